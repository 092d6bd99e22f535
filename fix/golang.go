package fix

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/scanner"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

// goFile is a parsed Go source: Go has a parser in the standard library, so
// its shapes are read from the syntax tree rather than lexed.
type goFile struct {
	fset *token.FileSet
	file *ast.File
	src  []byte
}

func parseGo(src []byte) (*goFile, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	return &goFile{fset: fset, file: f, src: src}, nil
}

func (g *goFile) off(p token.Pos) int { return g.fset.Position(p).Offset }

// locate finds the string literal that is exactly the key at [s, e) and
// checks it sits where a function call can replace it: the value of a var
// or an assignment, a call argument, a composite-literal element or value.
func (g *goFile) locate(s, e int) (site, error) {
	var lit *ast.BasicLit
	var stack []ast.Node
	var parents []ast.Node
	ast.Inspect(g.file, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		if lit != nil || g.off(n.End()) <= s || g.off(n.Pos()) > s {
			return false
		}
		stack = append(stack, n)
		if bl, ok := n.(*ast.BasicLit); ok && bl.Kind == token.STRING {
			lit = bl
			parents = slices.Clone(stack[:len(stack)-1])
		}
		return true
	})
	if lit == nil {
		for _, cg := range g.file.Comments {
			if g.off(cg.Pos()) <= s && s < g.off(cg.End()) {
				return site{}, refuse("the key is in a comment")
			}
		}
		return site{}, refuse("the key is not in a string literal")
	}
	ls, le := g.off(lit.Pos()), g.off(lit.End())
	if ls+1 != s || le-1 != e {
		return site{}, refuse("the key is part of a larger string")
	}
	if bytes.IndexByte(g.src[s:e], '\\') >= 0 && lit.Value[0] == '"' {
		return site{}, refuse("the literal holds escapes")
	}
	st := site{start: ls, end: le}
	if len(parents) == 0 {
		return site{}, refuse("the literal is not in an expression keyguard rewrites")
	}
	switch p := parents[len(parents)-1].(type) {
	case *ast.AssignStmt:
		if p.Tok != token.ASSIGN && p.Tok != token.DEFINE {
			return site{}, refuse("the key is combined with another value")
		}
		if i := slices.Index(p.Rhs, ast.Expr(lit)); i >= 0 && len(p.Lhs) == len(p.Rhs) {
			st.hint = goName(p.Lhs[i])
		}
	case *ast.ValueSpec:
		decl, _ := parents[len(parents)-2].(*ast.GenDecl)
		if decl == nil || decl.Tok != token.VAR {
			return site{}, refuse("a Go constant cannot read the environment (make it a var, then run keyguard fix again)")
		}
		if id, ok := p.Type.(*ast.Ident); p.Type != nil && !(ok && id.Name == "string") {
			return site{}, refuse("the variable's type is not string")
		}
		if i := slices.Index(p.Values, ast.Expr(lit)); i >= 0 && len(p.Names) == len(p.Values) {
			st.hint = p.Names[i].Name
		}
	case *ast.KeyValueExpr:
		if p.Value != lit {
			return site{}, refuse("the key is a map key")
		}
		st.hint = goName(p.Key)
	case *ast.CallExpr:
		if !slices.Contains(p.Args, ast.Expr(lit)) {
			return site{}, refuse("the literal is not an argument")
		}
	case *ast.CompositeLit:
	default:
		return site{}, refuse("the literal is not assigned, passed or paired with a key")
	}
	return st, nil
}

// goName is the name an expression on the left of an assignment or a
// key-value pair gives: an identifier, a field, or a quoted map key.
func goName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return x.Sel.Name
	case *ast.BasicLit:
		if s, err := strconv.Unquote(x.Value); err == nil {
			return s
		}
	case *ast.IndexExpr:
		return goName(x.Index)
	}
	return ""
}

// osName returns how the file refers to package os, and whether it imports
// it at all. An os imported as _ or . cannot be called as os.Getenv.
func (g *goFile) osName() (name string, imported bool, err error) {
	for _, im := range g.file.Imports {
		if im.Path.Value != `"os"` {
			continue
		}
		if im.Name == nil {
			return "os", true, nil
		}
		if im.Name.Name == "_" || im.Name.Name == "." {
			return "", true, fmt.Errorf("os is imported as %s", im.Name.Name)
		}
		return im.Name.Name, true, nil
	}
	return "os", false, nil
}

// addOSImport returns src with "os" imported: into the first parenthesised
// import group at its sorted place, as a new import line after a single
// import, or after the package clause when the file imports nothing.
func (g *goFile) addOSImport(src []byte) []byte {
	insertAt := func(off int, text string) []byte {
		return slices.Concat(src[:off], []byte(text), src[off:])
	}
	for _, d := range g.file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		if !gd.Lparen.IsValid() {
			return insertAt(lineEnd(src, g.off(gd.End())), "\nimport \"os\"")
		}
		// The first group: specs on consecutive lines, as gofmt sorts them.
		line := func(p token.Pos) int { return g.fset.Position(p).Line }
		var group []ast.Spec
		for i, sp := range gd.Specs {
			if i > 0 && line(sp.Pos()) > line(gd.Specs[i-1].End())+1 {
				break
			}
			group = append(group, sp)
		}
		if len(group) == 0 {
			return insertAt(g.off(gd.Lparen)+1, "\n\t\"os\"")
		}
		for _, sp := range group {
			path := sp.(*ast.ImportSpec).Path.Value
			if strings.Compare(path, `"os"`) > 0 {
				ls := bytes.LastIndexByte(src[:g.off(sp.Pos())], '\n') + 1
				return insertAt(ls, "\t\"os\"\n")
			}
		}
		last := group[len(group)-1]
		return insertAt(lineEnd(src, g.off(last.End())), "\n\t\"os\"")
	}
	return insertAt(lineEnd(src, g.off(g.file.Name.End())), "\n\nimport \"os\"")
}

// finishGo adds the os import if needed and keeps the file gofmt-clean: a
// file that was gofmt-formatted is formatted again (alignment may change
// around the new calls); any other file is only checked to still parse, so
// keyguard never reformats code its owner did not format.
func finishGo(orig, edited []byte, needImport bool) ([]byte, error) {
	crlf := isAllCRLF(orig)
	if crlf {
		orig = bytes.ReplaceAll(orig, []byte("\r\n"), []byte("\n"))
		edited = bytes.ReplaceAll(edited, []byte("\r\n"), []byte("\n"))
	}
	if needImport {
		g, err := parseGo(edited)
		if err != nil {
			return nil, notParsing(err)
		}
		edited = g.addOSImport(edited)
	}
	if formatted, err := format.Source(orig); err == nil && bytes.Equal(formatted, orig) {
		if edited, err = format.Source(edited); err != nil {
			return nil, notParsing(err)
		}
	} else if _, err := parseGo(edited); err != nil {
		return nil, notParsing(err)
	}
	if crlf {
		edited = bytes.ReplaceAll(edited, []byte("\n"), []byte("\r\n"))
	}
	return edited, nil
}

// notParsing is the reason for a rewrite that does not parse. go/parser's
// messages quote the offending token, which may be the key itself, and the
// reason is printed: only the position is kept.
func notParsing(err error) error {
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		return fmt.Errorf("the rewritten file does not parse (line %d, column %d)", list[0].Pos.Line, list[0].Pos.Column)
	}
	return errors.New("the rewritten file does not parse")
}

// isAllCRLF reports whether every line of src ends in CRLF.
func isAllCRLF(src []byte) bool {
	n := bytes.Count(src, []byte("\n"))
	return n > 0 && bytes.Count(src, []byte("\r\n")) == n
}
