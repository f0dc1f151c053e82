package sim

import (
	"crypto/x509"
	"encoding/base64"
	"html"
	"net/http"
	"strings"
)

// PKIPath is where an engine hands out its certificates: clients fetch the
// CA there before they trust the engine (curl ".../pki-resource?resource=ca-certificate&format=X509-PEM-CA",
// libgovirt's ovirt_proxy_fetch_ca_certificate).
const PKIPath = "/ovirt-engine/services/pki-resource"

// pkiFormats are the formats PKIResourceServlet knows, with the content
// type PKIResources.Format gives each ("X509_PEM_CA("application/x-x509-ca-cert", formatPEM),
// X509_PEM("application/x-x509-cert", formatPEM)"). OPENSSH-PUBKEY is a
// format of host keys, which the simulator has none of.
func pkiFormats() map[string]string {
	return map[string]string{"X509-PEM-CA": "application/x-x509-ca-cert", "X509-PEM": "application/x-x509-cert"}
}

// pkiResources are the resources the simulator hands out, by name: the CA
// as "ca-certificate" (PKIResources.getCaCertificate, whose format when the
// request names none is X509-PEM-CA) and as "qemu-ca-certificate" (one
// authority signs both here).
func pkiResources() map[string]bool {
	return map[string]bool{"ca-certificate": true, "qemu-ca-certificate": true}
}

// servePKI answers as PKIResourceServlet.doGet: the resource in the format
// asked for, or 400 with the reason ("Missing resource name",
// "Resource '%1$s' is invalid", "Format '%1$s' is invalid") through
// response.sendError(SC_BAD_REQUEST, e.getMessage()).
func (e *Engine) servePKI(w http.ResponseWriter, r *http.Request) {
	res, format := r.URL.Query().Get("resource"), r.URL.Query().Get("format")
	if format == "" {
		format = "X509-PEM-CA"
	}
	ctype, known := pkiFormats()[format]
	switch {
	case res == "":
		writeHTML(w, http.StatusBadRequest, "Missing resource name")
	case !pkiResources()[res] || e.opt.CA == nil:
		writeHTML(w, http.StatusBadRequest, html.EscapeString("Resource '"+res+"' is invalid"))
	case !known:
		writeHTML(w, http.StatusBadRequest, html.EscapeString("Format '"+format+"' is invalid"))
	default:
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(pemOf(e.opt.CA)))
	}
}

// pemOf writes a certificate as PKIResources' formatPEM does: base64 in
// lines of 76 characters ("new Base64(76, new byte[] { (byte)'\n' })")
// between the BEGIN and END lines.
func pemOf(cert *x509.Certificate) string {
	var b strings.Builder
	b.WriteString("-----BEGIN CERTIFICATE-----\n")
	s := base64.StdEncoding.EncodeToString(cert.Raw)
	for len(s) > 76 {
		b.WriteString(s[:76] + "\n")
		s = s[76:]
	}
	b.WriteString(s + "\n-----END CERTIFICATE-----\n")
	return b.String()
}
