package generator

import (
	"fmt"
	"go/types"

	"golang.org/x/tools/go/packages"

	"github.com/kombugen/kombugen/schema"
)

// checkGoTypes resolves every go_type naming another package, from dir, and
// reports those that do not name an exported type there, at the go_type's
// position. Types of the generated package itself are left to the
// compiler: that package includes the file being generated.
func checkGoTypes(s *schema.Schema, dir string) error {
	refs := map[string][]*schema.Message{}
	var paths []string
	for _, m := range s.Messages {
		if m.Body != schema.BodyGoType || m.GoType.ImportPath == "" {
			continue
		}
		if refs[m.GoType.ImportPath] == nil {
			paths = append(paths, m.GoType.ImportPath)
		}
		refs[m.GoType.ImportPath] = append(refs[m.GoType.ImportPath], m)
	}
	if len(paths) == 0 {
		return nil
	}
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes, Dir: dir}, paths...)
	if err != nil {
		return fmt.Errorf("resolve go_type packages from %s: %w", dir, err)
	}
	byPath := map[string]*packages.Package{}
	for _, p := range pkgs {
		byPath[p.PkgPath] = p
	}
	var errs schema.ErrorList
	for _, path := range paths {
		for _, m := range refs[path] {
			if msg := goTypeProblem(byPath[path], m.GoType); msg != "" {
				errs = append(errs, &schema.Error{Pos: m.GoType.Pos, Msg: fmt.Sprintf("message %q: go_type %q: %s", m.Name, m.GoType.String(), msg)})
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// goTypeProblem says what is wrong with a go_type in its loaded package,
// or "" when it names an exported type.
func goTypeProblem(p *packages.Package, t *schema.GoType) string {
	if p == nil {
		return "package not found"
	}
	if len(p.Errors) > 0 {
		return fmt.Sprintf("package %s does not load: %s", t.ImportPath, p.Errors[0].Msg)
	}
	obj := p.Types.Scope().Lookup(t.Name)
	if obj == nil {
		return fmt.Sprintf("package %s has no %s", t.ImportPath, t.Name)
	}
	if _, ok := obj.(*types.TypeName); !ok {
		return fmt.Sprintf("%s.%s is not a type", p.Name, t.Name)
	}
	return ""
}
