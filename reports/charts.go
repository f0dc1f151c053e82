package reports

import (
	"fmt"
	"strconv"
)

// Charts are inline SVG computed here and drawn by the HTML template: a
// chart is rows of labelled horizontal bars, each bar a run of segments.
// Geometry is in SVG user units; the template scales the whole drawing.

const (
	chartWidth  = 720
	chartLabelW = 210 // room for the row label
	chartCountW = 60  // room for the count after the bar
	chartRowH   = 22
	chartBarH   = 14
	chartTop    = 26 // room for the legend
)

// chart is a bar chart ready to draw.
type chart struct {
	Title  string
	Width  int
	Height int
	Legend []legendItem
	Rows   []chartRow
}

type legendItem struct {
	X     int
	Class string
	Label string
}

type chartRow struct {
	Y, TextY int
	Label    string
	Total    string
	TotalX   int
	Segments []segment
}

type segment struct {
	X, W  string
	Class string
	Tip   string
}

func newChart(title string, legend []legendItem) chart {
	x := 0
	for i := range legend {
		legend[i].X = x
		x += 16 + 8*len(legend[i].Label) + 18
	}
	return chart{Title: title, Width: chartWidth, Legend: legend}
}

// addRow adds a bar of segments whose lengths are counts out of max.
func (c *chart) addRow(label string, total string, counts []int, classes, tips []string, top int) {
	y := chartTop + len(c.Rows)*chartRowH
	row := chartRow{Y: y + (chartRowH-chartBarH)/2, TextY: y + chartRowH/2 + 4, Label: label, Total: total}
	span := float64(chartWidth - chartLabelW - chartCountW)
	x := float64(chartLabelW)
	for i, n := range counts {
		if n == 0 || top == 0 {
			continue
		}
		w := span * float64(n) / float64(top)
		row.Segments = append(row.Segments, segment{X: num(x), W: num(w), Class: classes[i], Tip: tips[i]})
		x += w
	}
	row.TotalX = int(x) + 6
	c.Rows = append(c.Rows, row)
	c.Height = chartTop + len(c.Rows)*chartRowH + 4
}

// num prints a coordinate with two decimals at most, the same on every
// platform.
func num(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// outcomesChart draws step outcomes per resource.
func outcomesChart(rs []ResourceOutcomes) chart {
	all := Outcomes()
	legend := make([]legendItem, len(all))
	classes := make([]string, len(all))
	for i, o := range all {
		legend[i] = legendItem{Class: "o-" + string(o), Label: string(o)}
		classes[i] = "o-" + string(o)
	}
	c := newChart("Step outcomes by resource", legend)
	top := 0
	for _, r := range rs {
		top = max(top, r.Steps.Total())
	}
	for _, r := range rs {
		counts := make([]int, len(all))
		tips := make([]string, len(all))
		for i, o := range all {
			counts[i] = r.Steps.Of(o)
			tips[i] = fmt.Sprintf("%s: %d %s", r.Resource, counts[i], o)
		}
		c.addRow(r.Resource, strconv.Itoa(r.Steps.Total()), counts, classes, tips, top)
	}
	return c
}

// maxChartRules bounds the rows of the rules chart; the rest is one row.
const maxChartRules = 25

// rulesChart draws violations per rule, stacked by severity.
func rulesChart(rules []RuleCount) chart {
	sev := Severities()
	legend := make([]legendItem, len(sev))
	classes := make([]string, len(sev))
	for i, s := range sev {
		legend[i] = legendItem{Class: "v-" + string(s), Label: string(s)}
		classes[i] = "v-" + string(s)
	}
	c := newChart("Violations by rule", legend)
	shown := rules[:min(len(rules), maxChartRules)]
	var rest SeverityCounts
	for _, r := range rules[len(shown):] {
		rest.Error += r.By.Error
		rest.Warning += r.By.Warning
		rest.Info += r.By.Info
	}
	top := rest.Total()
	for _, r := range shown {
		top = max(top, r.Count)
	}
	for _, r := range shown {
		c.addRow(r.Rule, strconv.Itoa(r.Count), severityCounts(r.By), classes, severityTips(r.Rule, r.By), top)
	}
	if n := len(rules) - len(shown); n > 0 {
		label := fmt.Sprintf("%d other rules", n)
		c.addRow(label, strconv.Itoa(rest.Total()), severityCounts(rest), classes, severityTips(label, rest), top)
	}
	return c
}

func severityCounts(c SeverityCounts) []int { return []int{c.Error, c.Warning, c.Info} }

func severityTips(label string, c SeverityCounts) []string {
	return []string{
		fmt.Sprintf("%s: %d error", label, c.Error),
		fmt.Sprintf("%s: %d warning", label, c.Warning),
		fmt.Sprintf("%s: %d info", label, c.Info),
	}
}

// coverageRow is one resource of the coverage table.
type coverageRow struct {
	Resource  string
	Exercised int
	Routes    int
	Percent   string
	BarW      string
}

// coverageView is the coverage section: the share of all routes, and the
// per-resource table.
type coverageView struct {
	Known     bool
	Exercised int
	Total     int
	Percent   string
	BarW      string
	Rows      []coverageRow
}

// coverageBarW is the width of a coverage bar in SVG units.
const coverageBarW = 200

func newCoverageView(c *Coverage) coverageView {
	if c == nil {
		return coverageView{}
	}
	v := coverageView{Known: true}
	for _, rc := range c.Resources {
		n := len(rc.Exercised)
		v.Exercised += n
		v.Total += rc.Routes
		v.Rows = append(v.Rows, coverageRow{Resource: rc.Resource, Exercised: n, Routes: rc.Routes, Percent: percent(n, rc.Routes), BarW: num(share(n, rc.Routes) * coverageBarW)})
	}
	v.Percent = percent(v.Exercised, v.Total)
	v.BarW = num(share(v.Exercised, v.Total) * 600)
	return v
}

func share(n, total int) float64 {
	if total <= 0 {
		return 0
	}
	f := float64(n) / float64(total)
	if f > 1 {
		return 1
	}
	return f
}

func percent(n, total int) string {
	return strconv.FormatFloat(100*share(n, total), 'f', 1, 64) + "%"
}
