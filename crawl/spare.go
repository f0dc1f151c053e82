package crawl

import "strings"

// Spare items: a list's items beyond the first PerCollection are not
// followed at once. Their links are set aside, and sent once nothing else
// waits, for the routes not reached yet: a VM's backups are reached even
// when only the tenth VM has one. A route is tried from spare items until
// it answers, at most spareTries times over, so that an engine of
// thousands of objects that all lack something is not read whole: each
// route sends at most spareTries*PerCollection spare items.
const spareTries = 10

// keep sets aside a spare item, once per request, and no more of a route
// than it may send: an engine's list of a hundred thousand events keeps
// thirty.
func (c *Crawler) keep(it *item) {
	key := it.v.String() + " " + it.rel
	st := c.state(it.route)
	if c.seen[key] || c.spareSeen[key] || st.spare >= spareTries*c.o.PerCollection {
		return
	}
	c.spareSeen[key] = true
	st.spare++
	c.spare = append(c.spare, it)
}

// useSpare queues the first spare item that may lead to a GET route not
// reached yet (its own, or one below it), and reports whether it queued
// one. Items that cannot are dropped.
func (c *Crawler) useSpare() bool {
	for len(c.spare) > 0 {
		it := c.spare[0]
		c.spare = c.spare[1:]
		st := c.state(it.route)
		st.spare--
		if st.spareSent >= spareTries*c.o.PerCollection || !c.leadsOn(it) || !c.mark(it) {
			continue
		}
		st.spareSent++
		c.waits(it.route, 1)
		c.again = append(c.again, it)
		return true
	}
	return false
}

// leadsOn reports whether a spare item may reach a GET route no request
// has reached yet: its own route or one below it.
func (c *Crawler) leadsOn(it *item) bool {
	for path, r := range c.getByPath {
		if path != it.route.Path && !strings.HasPrefix(path, it.route.Path+"/") {
			continue
		}
		if st := c.routes[r]; st == nil || st.ok == 0 {
			return true
		}
	}
	return false
}
