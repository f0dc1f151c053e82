package sim

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestConcurrentClients runs 32 clients at once, each reading the shared
// inventory and creating, changing, starting, stopping and removing VMs of
// its own; with -race it also shows the engine needs no other locking.
func TestConcurrentClients(t *testing.T) {
	const clients, rounds = 32, 6
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e, srv := testEngine(t, Options{Seed: 1, Settle: time.Second, Clock: clk.Now})
	m := e.Model()
	var wg sync.WaitGroup
	errs := make(chan error, clients*rounds*12)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &client{t: t, srv: srv, user: AdminUser, pass: e.AdminPassword(), json: i%4 == 3}
			step := func(want int, method, path, body string) []byte {
				resp, data := c.doQuiet(method, path, body)
				if resp == nil || resp.StatusCode != want {
					code := 0
					if resp != nil {
						code = resp.StatusCode
					}
					errs <- fmt.Errorf("client %d: %s %s: status %d, want %d: %s", i, method, path, code, want, clipBody(data))
				}
				return data
			}
			for r := range rounds {
				step(200, "GET", "/vms?search=status%3Dup&follow=nics", "")
				step(200, "GET", "/hosts", "")
				name := fmt.Sprintf("c%d-r%d", i, r)
				body := `<vm><name>` + name + `</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>`
				if c.json {
					body = `{"name":"` + name + `","cluster":{"name":"Default"},"template":{"name":"Blank"}}`
				}
				id := idIn(step(201, "POST", "/vms", body), c.json)
				if id == "" {
					continue
				}
				upd := "<vm><description>changed</description></vm>"
				act := "<action/>"
				if c.json {
					upd, act = `{"description":"changed"}`, "{}"
				}
				step(200, "PUT", "/vms/"+id, upd)
				step(200, "GET", "/vms/"+id, "")
				step(200, "POST", "/vms/"+id+"/start", act)
				step(200, "GET", "/vms/"+id+"/statistics", "")
				step(200, "POST", "/vms/"+id+"/stop", act)
				clk.Advance(2 * time.Second) // powering_down ends
				step(200, "DELETE", "/vms/"+id, "")
				step(404, "GET", "/vms/"+id, "")
			}
		}()
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n++; n <= 10 {
			t.Error(err)
		}
	}
	if n > 10 {
		t.Errorf("... %d errors in all", n)
	}
	c := newClient(t, e, srv)
	body := c.must(200, "GET", "/vms", "")
	validXML(t, m, m.Routes().Find("GET", "/vms"), 200, body)
	if got := len(items(t, body)); got != 10 {
		t.Errorf("%d VMs after every client removed its own, want the 10 seeded", got)
	}
}
