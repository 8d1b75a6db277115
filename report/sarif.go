package report

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"

	"github.com/authtriage/authtriage/analyze"
	"github.com/authtriage/authtriage/rules"
)

// SARIF writes SARIF 2.1.0: every rule is a reportingDescriptor, every
// finding occurrence a result with a region (startLine ≥ 1) and
// partialFingerprints, so GitHub code scanning can track it across runs.
// Input errors become toolExecutionNotifications.
type SARIF struct{}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string            `json:"name"`
	Version        string            `json:"version,omitempty"`
	InformationURI string            `json:"informationUri"`
	Rules          []sarifDescriptor `json:"rules"`
}

type sarifDescriptor struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifMultiText `json:"help"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifMultiText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	ID               int                   `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifText            `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// maxSARIFRelated bounds related locations per result.
const maxSARIFRelated = 100

// sarifLevel maps severities: high → error, medium/low → warning, info → note.
func sarifLevel(sev string) string {
	switch sev {
	case "high":
		return "error"
	case "medium", "low":
		return "warning"
	}
	return "note"
}

// securitySeverity is GitHub's numeric scale for security results.
func securitySeverity(s rules.Severity) string {
	switch s {
	case rules.High:
		return "8.0"
	case rules.Medium:
		return "5.0"
	case rules.Low:
		return "3.0"
	}
	return "1.0"
}

func artifactURI(file string) string {
	if file == "-" || file == "" {
		return "stdin"
	}
	return (&url.URL{Path: filepath.ToSlash(file)}).String()
}

func sarifLoc(l analyze.Location) sarifLocation {
	line := l.Line
	if line < 1 {
		line = 1
	}
	return sarifLocation{PhysicalLocation: sarifPhysicalLocation{
		ArtifactLocation: sarifArtifact{URI: artifactURI(l.File)},
		Region:           sarifRegion{StartLine: line, StartColumn: l.Column},
	}}
}

func (SARIF) Write(w io.Writer, r *analyze.Result) error {
	metas := rules.Metas()
	index := map[string]int{}
	driver := sarifDriver{Name: "authtriage", Version: r.Tool.Version, InformationURI: "https://github.com/authtriage/authtriage", Rules: []sarifDescriptor{}}
	for i, m := range metas {
		index[m.ID] = i
		driver.Rules = append(driver.Rules, sarifDescriptor{
			ID: m.ID, Name: m.ID,
			ShortDescription:     sarifText{Text: m.Title},
			FullDescription:      sarifText{Text: m.Title + ". " + m.Fix},
			Help:                 sarifMultiText{Text: m.Fix, Markdown: m.Doc + "\n\n**Fix.** " + m.Fix},
			DefaultConfiguration: sarifConfig{Level: sarifLevel(m.Severity.String())},
			Properties:           map[string]any{"security-severity": securitySeverity(m.Severity), "tags": []string{"security", "authentication"}, "precision": precision(m.Confidence)},
		})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}}
	inv := sarifInvocation{ExecutionSuccessful: r.FailedInputs() == 0, ToolExecutionNotifications: []sarifNotification{}}
	for _, e := range r.Errors {
		n := sarifNotification{Level: "error", Message: sarifText{Text: e.Message}}
		if e.File != "" {
			n.Locations = []sarifLocation{sarifLoc(analyze.Location{File: e.File, Line: e.Line})}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	run.Invocations = []sarifInvocation{inv}
	for i := range r.Findings {
		f := &r.Findings[i]
		// One result per grouped finding: its fingerprint identifies one
		// alert; the other occurrences and the related records are
		// related locations.
		res := sarifResult{
			RuleID: f.Rule, RuleIndex: index[f.Rule], Level: sarifLevel(f.Severity),
			Message:             sarifText{Text: f.Message + " Fix: " + f.Fix},
			Locations:           []sarifLocation{sarifLoc(f.Location)},
			PartialFingerprints: map[string]string{"authtriage/v1": f.Fingerprint},
			Properties:          map[string]any{"confidence": f.Confidence, "count": f.Count},
		}
		if f.Detector != "" {
			res.Properties["detector"] = f.Detector
			res.Properties["provider"] = f.Provider
			res.Properties["environment"] = f.Environment
		}
		add := func(l analyze.Location, note string) {
			if len(res.RelatedLocations) >= maxSARIFRelated {
				return
			}
			sl := sarifLoc(l)
			sl.ID = len(res.RelatedLocations) + 1
			if note != "" {
				sl.Message = &sarifText{Text: note}
			}
			res.RelatedLocations = append(res.RelatedLocations, sl)
		}
		for _, rel := range f.Related {
			add(rel.Location, rel.Note)
		}
		for _, occ := range f.Occurrences[1:] {
			add(occ, "another occurrence")
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

func precision(c rules.Confidence) string {
	switch c {
	case rules.HighConfidence:
		return "high"
	case rules.MediumConfidence:
		return "medium"
	}
	return "low"
}
