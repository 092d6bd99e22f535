package report

import (
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/keyguard/keyguard/detect"
)

// InformationURI is where keyguard lives, for SARIF consumers.
const InformationURI = "https://github.com/keyguard/keyguard"

// SRCROOT is the uriBaseId of every relative URI in keyguard's SARIF: the
// top of the work tree (of the scanned directory outside a repository).
// GitHub code scanning resolves it to the checkout.
const SRCROOT = "%SRCROOT%"

// FingerprintKey names keyguard's partial fingerprint in SARIF results. Its
// value is the secret's fingerprint and the file's URI, so an alert follows
// a key through edits and across the commits of a history scan, while the
// same key in two files stays two alerts.
const FingerprintKey = "keyguard/v1"

// SARIFOptions says what the SARIF log cannot learn from the findings.
type SARIFOptions struct {
	Version string // keyguard's version, for tool.driver.version
	// Rel maps a finding's path to a slash-separated path relative to the
	// root SRCROOT stands for; false means it lies outside. Nil: paths are
	// already relative to the root.
	Rel func(path string) (string, bool)
}

// SARIF writes key findings as a SARIF 2.1.0 log that GitHub code scanning
// accepts: one rule per rule that fired, one result per finding with a
// redacted message, a location relative to SRCROOT and a partial
// fingerprint. The secret itself is never written.
func SARIF(w io.Writer, findings []Finding, o SARIFOptions) error {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	driver := sarif.NewVersionedDriver("keyguard", o.Version).WithInformationURI(InformationURI)
	if o.Version != "" {
		driver.SemanticVersion = &o.Version
	}
	run := sarif.NewRun(sarif.Tool{Driver: driver})
	run.Tool.Driver.Rules = []*sarif.ReportingDescriptor{} // GitHub wants the array, even empty
	run.ColumnKind = "unicodeCodePoints"                   // detect counts columns in runes
	index := map[string]int{}
	for _, f := range findings {
		if f.Secret == nil {
			continue
		}
		r := f.Secret.Rule
		i, ok := index[r.ID]
		if !ok {
			i = len(driver.Rules)
			index[r.ID] = i
			driver.Rules = append(driver.Rules, sarifRule(r))
		}
		run.Results = append(run.Results, sarifResult(f, i, o))
	}
	log.AddRun(run)
	if err := log.PrettyWrite(w); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	return nil
}

// Security severities on GitHub's CVSS-like scale: 9.0 and above is
// critical. A provider's key is certain and usable as is; a generic match
// (a secret-looking value under a key-like name) is less certain.
const (
	severityProvider = "9.0"
	severityGeneric  = "7.5"
)

func sarifRule(r *detect.Rule) *sarif.ReportingDescriptor {
	generic := r.Family == "generic"
	severity, precision := severityProvider, "high"
	if generic {
		severity, precision = severityGeneric, "medium"
	}
	who := "its provider"
	if r.Provider != "" {
		who = r.Provider
	}
	full := fmt.Sprintf("A %s issued by %s is written in the repository. Anyone who can read the repository, any clone of it or its history can use the key.", r.Description, who)
	if generic {
		full = fmt.Sprintf("A %s: a secret-looking value assigned to a key-like name. Anyone who can read the repository, any clone of it or its history can use it.", r.Description)
	}
	fix := "Keep the value out of the repository: store it outside the work tree or in a secret store, and load it at run time."
	if r.EnvVar != "" {
		fix = fmt.Sprintf("Read the value from the environment variable %s instead of writing it in the code; keep it in an untracked .env file (keyguard fix-ignore adds .env to .gitignore) or in a secret store.", r.EnvVar)
	}
	rotate := "Then revoke the key at " + who + " and create a new one: once pushed, it stays readable in git history, so deleting it from the code is not enough."
	if r.Revoke != "" {
		rotate = "Then revoke the key and create a new one at " + r.Revoke + ": once pushed, it stays readable in git history, so deleting it from the code is not enough."
	}
	falsePositive := "A false positive? Add a comment containing keyguard:allow on that line, or allow it in .keyguard.yaml."
	text := fix + " " + rotate + " " + falsePositive
	markdown := "**Fix.** " + fix + "\n\n**Rotate.** " + rotate + "\n\n**False positive?** Add a comment containing `keyguard:allow` on that line, or allow it in `.keyguard.yaml`."

	rule := sarif.NewRule(r.ID).
		WithName(ruleName(r.ID)).
		WithShortDescription(&sarif.MultiformatMessageString{Text: ptr(r.Description)}).
		WithFullDescription(&sarif.MultiformatMessageString{Text: ptr(full)}).
		WithHelp(&sarif.MultiformatMessageString{Text: ptr(text), Markdown: ptr(markdown)}).
		WithDefaultConfiguration(&sarif.ReportingConfiguration{Level: "error"})
	if r.Revoke != "" {
		rule.WithHelpURI(r.Revoke)
	}
	tags := []string{"security", "secret", "external/cwe/cwe-798"}
	if r.Family != "" {
		tags = append(tags, r.Family)
	}
	// ReportingDescriptor has its own properties field, which shadows the
	// embedded bag's: set it directly.
	rule.Properties = sarif.Properties{
		"tags":              tags,
		"security-severity": severity,
		"precision":         precision,
		"problem.severity":  "error",
	}
	return rule
}

func sarifResult(f Finding, ruleIndex int, o SARIFOptions) *sarif.Result {
	s := f.Secret
	a := keyAdvice(f)
	msg := fmt.Sprintf("%s %s (fingerprint %s). Fix: %s. Rotate: %s.",
		s.Rule.Description, s.Secret.String(), s.Fingerprint, strings.Join(a.fix, "; "), a.rotate)
	if c := f.Commit; c != nil {
		msg = fmt.Sprintf("%s %s (fingerprint %s), added in commit %s. Fix: %s. Rotate: %s.",
			s.Rule.Description, s.Secret.String(), s.Fingerprint, ShortHash(c.Hash), strings.Join(a.fix, "; "), a.rotate)
	}

	artifact := &sarif.ArtifactLocation{}
	rel, inside := f.Path, true
	if o.Rel != nil {
		rel, inside = o.Rel(f.Path)
	}
	if inside {
		artifact.URI = ptr(relativeURI(rel))
		artifact.URIBaseId = ptr(SRCROOT)
	} else {
		artifact.URI = ptr(fileURI(f.Path))
	}
	region := &sarif.Region{StartLine: ptr(f.Line), StartColumn: ptr(f.Column)}
	switch {
	case f.EndLine > f.Line:
		region.EndLine = ptr(f.EndLine) // a key block: to the end of its last line
	case s.EndColumn > f.Column:
		region.EndColumn = ptr(s.EndColumn)
	}

	res := sarif.NewRuleResult(s.Rule.ID).
		WithRuleIndex(ruleIndex).
		WithLevel("error").
		WithMessage(&sarif.Message{Text: ptr(msg)}).
		WithLocations([]*sarif.Location{{PhysicalLocation: &sarif.PhysicalLocation{ArtifactLocation: artifact, Region: region}}}).
		WithPartialFingerPrints(map[string]interface{}{FingerprintKey: s.Fingerprint + ":" + *artifact.URI})
	props := sarif.Properties{}
	if c := f.Commit; c != nil {
		props["commit"], props["date"] = c.Hash, c.Date
	}
	if f.Cell > 0 {
		props["cell"] = f.Cell
		if f.Output > 0 {
			props["output"] = f.Output
		}
		if f.CellLine > 0 {
			props["cellLine"] = f.CellLine
		}
	}
	if f.Encoding != "" {
		props["encoding"] = f.Encoding
	}
	if len(props) > 0 {
		res.Properties = props
	}
	return res
}

// relativeURI turns a slash-separated relative path into a relative URI
// reference: each segment percent-escaped, and a first segment holding a
// colon prefixed with "./" so that it cannot read as a scheme.
func relativeURI(rel string) string {
	rel = strings.TrimPrefix(filepath.ToSlash(rel), "./")
	u := (&url.URL{Path: rel}).EscapedPath()
	if first, _, _ := strings.Cut(u, "/"); strings.Contains(first, ":") {
		u = "./" + u
	}
	return u
}

// fileURI is an absolute file URI for a path outside the root.
func fileURI(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	p = filepath.ToSlash(p)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive path: file:///C:/...
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// ruleName turns a rule id such as "github-token" into the identifier-like
// name SARIF consumers expect ("GithubToken").
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		r, size := utf8.DecodeRuneInString(part)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(part[size:])
	}
	return b.String()
}

func ptr[T any](v T) *T { return &v }
