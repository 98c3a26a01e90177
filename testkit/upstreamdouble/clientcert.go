package upstreamdouble

// The client-certificate mode (Options.RequireClientCert): the API's
// listener completes a TLS handshake only with a client certificate issued
// by the double's client CA (tls.RequireAndVerifyClientCert), and then
// takes the certificate instead of the key. IssueClientCert hands out such
// a certificate; UntrustedClientCert one from a CA the API does not trust.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"time"
)

// IssueClientCert issues a client certificate (and its PEM private key)
// from the client CA the API trusts in the client-certificate mode.
func (s *Server) IssueClientCert(commonName string) (certPEM, keyPEM []byte, err error) {
	if s.clientCA == nil {
		return nil, nil, errors.New("upstreamdouble: IssueClientCert needs Options.RequireClientCert")
	}
	return s.clientCA.clientCert(commonName)
}

// UntrustedClientCert issues a client certificate from a throwaway CA the
// API does not trust: the handshake must fail with it.
func UntrustedClientCert(commonName string) (certPEM, keyPEM []byte, err error) {
	ca, err := newTestCA()
	if err != nil {
		return nil, nil, err
	}
	return ca.clientCert(commonName)
}

func (ca *testCA) clientCert(commonName string) ([]byte, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: commonName},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil
}
