package matchers

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
)

// ParsePEMChain parses PEM-encoded certificates, leaf first. It rejects input
// that holds a private key, since a chain that a workload publishes must
// never carry one, and input with no certificate at all.
func ParsePEMChain(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if strings.Contains(block.Type, "PRIVATE KEY") {
			return nil, fmt.Errorf("the chain contains a %s block; a workload must never publish its private key", block.Type)
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("unexpected PEM block %q; expected only CERTIFICATE blocks", block.Type)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d does not parse: %v", len(certs)+1, err)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		if strings.TrimSpace(string(data)) == "" {
			return nil, fmt.Errorf("no certificates (the chain is empty)")
		}
		return nil, fmt.Errorf("no PEM CERTIFICATE block in %d bytes of input", len(data))
	}
	return certs, nil
}
