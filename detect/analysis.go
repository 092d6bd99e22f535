package detect

import "hash/fnv"

// analysis is what prepare derives from a built-in rule's regex (see
// analyze.go), worked out by `go generate ./detect` into analysis_gen.go:
// a process then parses no regex to learn where to try it, and compiles
// only the regexes it runs. Preparing from the regexes cost 5-9 ms on a
// large commit's diff, which wakes 50 to 80 rules. An entry counts only
// while its sum matches the rule's regex, keywords and context, so a stale
// file costs time, never findings; TestAnalysisGenerated fails while it is
// stale.
type analysis struct {
	sum       uint64 // ruleSum of what it was derived from
	multiLine bool
	need      run
	must      requiredByte
	anchor    anchorInfo // without its trees: rest and afterWord below
	rest      string     // anchor.rest as a pattern ("" unless anchor.boundary)
	leads     []literal  // the lead prefixes; nil: no leadInfo
	afterWord string     // the after-word variant tried (anchor's or leads'); "": none
	shape     []shapeRun
}

// shapeRun is n successive bytes of a shape that are in set.
type shapeRun struct {
	set byteSet
	n   int
}

// ruleSum is a checksum (FNV-1a) of what a rule's analysis derives from.
func ruleSum(r *Rule) uint64 {
	h := fnv.New64a()
	h.Write([]byte(r.pattern))
	for _, k := range r.keywords {
		h.Write([]byte{0})
		h.Write([]byte(k))
	}
	h.Write([]byte{0xff, byte(r.context)})
	return h.Sum64()
}

// fits reports whether a was derived from r's regex, keywords and context.
func (a *analysis) fits(r *Rule) bool { return a.sum == ruleSum(r) }

// apply sets r's derived fields from a.
func (a *analysis) apply(r *Rule) {
	r.multiLine, r.need, r.must, r.anchor = a.multiLine, a.need, a.must, a.anchor
	r.restPattern, r.awPattern = a.rest, a.afterWord
	if a.leads != nil {
		r.lead = newLeadInfo(a.leads)
	}
	n := 0
	for _, run := range a.shape {
		n += run.n
	}
	r.shape = nil
	if n > 0 {
		r.shape = make(shape, 0, n)
	}
	for _, run := range a.shape {
		for range run.n {
			r.shape = append(r.shape, run.set)
		}
	}
}

// analysisOf returns r's derived fields as an analysis (r prepared).
func analysisOf(r *Rule) analysis {
	a := analysis{sum: ruleSum(r), multiLine: r.multiLine, need: r.need, must: r.must, anchor: r.anchor,
		rest: r.restPattern, afterWord: r.awPattern}
	if r.lead != nil {
		a.leads = r.lead.lits
	}
	for _, set := range r.shape {
		if n := len(a.shape); n > 0 && a.shape[n-1].set == set {
			a.shape[n-1].n++
		} else {
			a.shape = append(a.shape, shapeRun{set, 1})
		}
	}
	return a
}
