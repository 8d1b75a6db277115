package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/authtriage/authtriage/secrets"
)

// maxEnvConfig bounds the size of an --env-config file.
const maxEnvConfig = 1 << 20

// loadEnvConfig reads an --env-config file: JSON when the name ends in .json
// or the content starts with '{', YAML otherwise. Unknown fields, unknown
// environments and bad patterns are errors naming the file, so that a typo
// does not silently change what is production.
func loadEnvConfig(path string) (*secrets.EnvConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--env-config %s: %w", path, unwrapPath(err))
	}
	cfg, err := parseEnvConfig(b, strings.EqualFold(filepath.Ext(path), ".json"))
	if err != nil {
		return nil, fmt.Errorf("--env-config %s: %w", path, err)
	}
	return cfg, nil
}

func parseEnvConfig(b []byte, isJSON bool) (*secrets.EnvConfig, error) {
	if len(b) > maxEnvConfig {
		return nil, fmt.Errorf("larger than %d bytes", maxEnvConfig)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var cfg secrets.EnvConfig
	if isJSON || bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cfg); err != nil {
			return nil, fmt.Errorf("not valid JSON for an environment config: %v", err)
		}
		if dec.More() {
			return nil, errors.New("more than one JSON document")
		}
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("not valid YAML for an environment config: %v", err)
		}
	}
	if len(cfg.Hosts) == 0 && len(cfg.Keys) == 0 {
		return nil, errors.New("declares no hosts and no keys")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}
