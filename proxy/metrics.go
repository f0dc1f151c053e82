package proxy

import (
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the proxy's Prometheus series, all named ovcompat_proxy_*,
// beside ovcompat_build_info and the Go runtime's and the process's own
// (go_*, process_*), as operators expect of any Go service.
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
	recordCapped   prometheus.Counter
}

func newMetrics(reg *prometheus.Registry, toolVersion, modelVersion string) *metrics {
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ovcompat_proxy_requests_total",
			Help: "Requests answered, by route template, method and status."}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ovcompat_proxy_request_duration_seconds",
			Help: "Time from a request's arrival to the end of its response.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)}),
		violations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ovcompat_proxy_violations_total",
			Help: "Violations found, by rule and severity."}, []string{"rule", "severity"}),
		validation: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ovcompat_proxy_validation_duration_seconds",
			Help: "Time to validate one exchange, or in enforce mode a request before it is passed on.", Buckets: prometheus.ExponentialBuckets(0.00005, 2, 16)}),
		validated: prometheus.NewCounter(prometheus.CounterOpts{Name: "ovcompat_proxy_validated_total",
			Help: "Exchanges validated."}),
		shed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ovcompat_proxy_validation_shed_total",
			Help: "Exchanges not validated: queue-full (validation could not keep up), memory (capture budget spent), incomplete (a body not seen whole: the client went away mid-body, or the engine answered before it was sent), behind (the validator of a response validated as it streamed fell more than --max-body + 8 MiB behind the stream)."},
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
		recordCapped: prometheus.NewCounter(prometheus.CounterOpts{Name: "ovcompat_proxy_record_capped_total",
			Help: "Exchanges not recorded because the recordings reached --record-limit."}),
	}
	reg.MustRegister(m.requests, m.duration, m.violations, m.validation, m.validated, m.shed,
		m.rejected, m.refused, m.upstreamErrors, m.recorded, m.recordDropped, m.recordCapped, buildInfo(toolVersion, modelVersion))
	// A registry given by the embedder may collect the runtime already
	// (it then refuses these as registered twice): its own stay.
	_ = reg.Register(collectors.NewGoCollector())
	_ = reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, r := range []string{"queue-full", "memory", "incomplete", "behind"} {
		m.shed.WithLabelValues(r)
	}
	return m
}

// timeValidation starts timing one validation; the function it returns
// ends it.
func (m *metrics) timeValidation() func() {
	start := time.Now()
	return func() { m.validation.Observe(time.Since(start).Seconds()) }
}

// gauge exports f as a gauge.
func (m *metrics) gauge(name, help string, f func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}

// buildInfo is ovcompat_build_info: always 1, its labels say what runs, so
// a dashboard can join them onto any series (the Prometheus convention).
func buildInfo(toolVersion, modelVersion string) prometheus.Collector {
	if toolVersion == "" {
		toolVersion = "unknown"
	}
	if modelVersion == "" {
		modelVersion = "unknown"
	}
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "ovcompat_build_info",
		Help: "The running ovcompat: its version, the API model it checks with, the Go release it was built with."},
		[]string{"version", "model", "goversion"})
	g.WithLabelValues(toolVersion, modelVersion, runtime.Version()).Set(1)
	return g
}
