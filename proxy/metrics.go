package proxy

import "github.com/prometheus/client_golang/prometheus"

// metrics are the proxy's Prometheus series, all named ovcompat_proxy_*.
type metrics struct {
	reg            *prometheus.Registry
	requests       *prometheus.CounterVec
	duration       prometheus.Histogram
	violations     *prometheus.CounterVec
	validation     prometheus.Histogram
	validated      prometheus.Counter
	shed           *prometheus.CounterVec
	rejected       *prometheus.CounterVec
	refused        *prometheus.CounterVec
	upstreamErrors *prometheus.CounterVec
	recorded       prometheus.Counter
	recordDropped  prometheus.Counter
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ovcompat_proxy_requests_total",
			Help: "Requests answered, by route template, method and status."}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ovcompat_proxy_request_duration_seconds",
			Help: "Time from a request's arrival to the end of its response.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)}),
		violations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ovcompat_proxy_violations_total",
			Help: "Violations found, by rule and severity."}, []string{"rule", "severity"}),
		validation: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ovcompat_proxy_validation_seconds",
			Help: "Time to validate one exchange.", Buckets: prometheus.ExponentialBuckets(0.00005, 2, 16)}),
		validated: prometheus.NewCounter(prometheus.CounterOpts{Name: "ovcompat_proxy_validated_total",
			Help: "Exchanges validated."}),
		shed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ovcompat_proxy_validation_shed_total",
			Help: "Exchanges not validated: queue-full (validation could not keep up), memory (capture budget spent), incomplete (a body not seen whole: the client went away mid-body, or the engine answered before it was sent)."},
			[]string{"reason"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ovcompat_proxy_rejected_total",
			Help: "Exchanges the proxy answered itself in enforce mode, by direction (request: 400, response: 502)."}, []string{"direction"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ovcompat_proxy_refused_total",
			Help: "Requests refused because they asked for another host or a tunnel (connect, foreign-host)."}, []string{"reason"}),
		upstreamErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ovcompat_proxy_upstream_errors_total",
			Help: "Requests the engine could not answer, by kind (refused, reset, timeout, certificate, ..., mid-body-*)."}, []string{"kind"}),
		recorded: prometheus.NewCounter(prometheus.CounterOpts{Name: "ovcompat_proxy_recorded_total",
			Help: "Exchanges written to the recording."}),
		recordDropped: prometheus.NewCounter(prometheus.CounterOpts{Name: "ovcompat_proxy_record_dropped_total",
			Help: "Exchanges not recorded because the recorder could not keep up."}),
	}
	reg.MustRegister(m.requests, m.duration, m.violations, m.validation, m.validated, m.shed,
		m.rejected, m.refused, m.upstreamErrors, m.recorded, m.recordDropped)
	for _, r := range []string{"queue-full", "memory", "incomplete"} {
		m.shed.WithLabelValues(r)
	}
	return m
}

// queueDepth exports the validation queue's length.
func (m *metrics) queueDepth(f func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ovcompat_proxy_validation_queue_depth",
		Help: "Exchanges waiting for validation."}, f))
}
