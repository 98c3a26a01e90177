package grafanadouble

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// secretBox encrypts secureJsonData values at rest, the double's stand-in
// for Grafana's secrets service. The AEAD's additional data binds each
// ciphertext to its org, plugin id and key name, so a value cannot be moved
// to another field or org without failing to decrypt.
type secretBox struct {
	aead cipher.AEAD
}

func newSecretBox(secretKey string) (*secretBox, error) {
	if secretKey == "" {
		return nil, errors.New("grafanadouble: empty secret key")
	}
	key, err := hkdf.Key(sha256.New, []byte(secretKey), nil, "grafanadouble secureJsonData v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &secretBox{aead: aead}, nil
}

// additionalData binds a ciphertext to its org, plugin and key name.
func additionalData(orgID int64, pluginID, name string) []byte {
	return []byte(fmt.Sprintf("%d\x00%s\x00%s", orgID, pluginID, name))
}

func (b *secretBox) seal(orgID int64, pluginID, name, plaintext string) ([]byte, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return b.aead.Seal(nonce, nonce, []byte(plaintext), additionalData(orgID, pluginID, name)), nil
}

func (b *secretBox) open(orgID int64, pluginID, name string, sealed []byte) (string, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n {
		return "", fmt.Errorf("grafanadouble: stored secret %s/%s is truncated", pluginID, name)
	}
	plain, err := b.aead.Open(nil, sealed[:n], sealed[n:], additionalData(orgID, pluginID, name))
	if err != nil {
		return "", fmt.Errorf("grafanadouble: stored secret %s/%s does not decrypt with this secret key: %w", pluginID, name, err)
	}
	return string(plain), nil
}
