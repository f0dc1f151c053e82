package sim

import (
	"fmt"
	"html"
	"net/http"
)

// WelcomePath is the engine's welcome page, which clients and people read
// to tell an oVirt engine (and its version) from anything else.
const WelcomePath = "/ovirt-engine/"

// serveWelcome answers the welcome page as the engine's WelcomeServlet
// renders ovirt-engine.jsp with the oVirt branding: the title
// "Ovirt-Engine" (messages.properties: "obrand.welcome.title=Ovirt-Engine"),
// "Version {0}" ("obrand.welcome.version=Version {0}") and the portal links
// of welcome_page.template. /ovirt-engine redirects to it, as the servlet
// container does for a context root.
func (e *Engine) serveWelcome(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != WelcomePath {
		http.Redirect(w, r, WelcomePath, http.StatusFound)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeHTML(w, http.StatusMethodNotAllowed, "405 - Method not allowed")
		return
	}
	w.Header().Set("Content-Type", "text/html;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	fmt.Fprintf(w, `<!DOCTYPE html>
<html>
<head>
    <meta charset="utf-8">
    <title>Ovirt-Engine</title>
</head>
<body class="pf-c-page ovirt-container">
    <main class="pf-c-page__main">
        <section class="pf-c-page__main-section welcome-section">
            <div class="pf-l-split__item obrand_welcomePageVersionText">Version %s</div>
            <div class="pf-l-stack__item welcome-preamble-template">Welcome to Open Virtualization Manager</div>
            <div class="pf-l-stack__item welcome-template">
                <div class="welcome-section-title">Portals</div>
                <div class="welcome-link"><a id="WelcomePage_userportal" href="userportal/?locale=en_US">User Portal</a></div>
                <div class="welcome-link"><a id="WelcomePage_webadmin" href="webadmin/?locale=en_US">Administration Portal</a></div>
                <div class="welcome-section-title">Downloads</div>
                <div class="welcome-link"><a id="WelcomePage_ccr" href="https://www.ovirt.org/download/" target="_blank">Console Client Resources</a></div>
                <div class="welcome-link"><a id="WelcomePage_api" href="api">REST API</a></div>
            </div>
        </section>
    </main>
</body>
</html>
`, html.EscapeString(e.fullVersion()))
}

// fullVersion is the engine's version, as the API's product_info and the
// welcome page write it: the RPM's version of its release.
func (e *Engine) fullVersion() string { return engineRelease(e.m) + "-1.el8" }
