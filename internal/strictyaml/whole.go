package strictyaml

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// wholeNumbers refuses a fractional number given for an integer field
// (attempts: 2.5, pps: 0.5): yaml decodes it by truncating, silently, so
// 0.5 packets a second would become 0. It walks the document beside the
// type it decodes into; fields with their own UnmarshalYAML, interfaces
// and aliases are left to the decoder.
func wholeNumbers(n *yaml.Node, t reflect.Type, key string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshaler) {
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if err := wholeNumbers(c, t, key); err != nil {
				return err
			}
		}
	case yaml.ScalarNode:
		if n.Tag == "!!float" && isInteger(t.Kind()) {
			return fmt.Errorf("line %d: %s wants a whole number", n.Line, fieldName(key))
		}
	case yaml.SequenceNode:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for _, c := range n.Content {
				if err := wholeNumbers(c, t.Elem(), key); err != nil {
					return err
				}
			}
		}
	case yaml.MappingNode:
		return wholeMapping(n, t)
	}
	return nil
}

func wholeMapping(n *yaml.Node, t reflect.Type) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var ft reflect.Type
		switch t.Kind() {
		case reflect.Map:
			ft = t.Elem()
		case reflect.Struct:
			f, ok := structField(t, k.Value)
			if !ok {
				continue // an unknown key: the decoder names it
			}
			ft = f
		default:
			continue
		}
		if err := wholeNumbers(v, ft, k.Value); err != nil {
			return err
		}
	}
	return nil
}

// structField finds the field yaml decodes key into, through inline
// structs.
func structField(t reflect.Type, key string) (reflect.Type, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if strings.Contains(opts, "inline") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if inner, ok := structField(ft, key); ok {
					return inner, true
				}
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		if name == key {
			return f.Type, true
		}
	}
	return nil, false
}

func isInteger(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// fieldName shows a key only when it looks like one (never a value copied
// from a file given by mistake).
func fieldName(key string) string {
	if key == "" || len(key) > 40 || !keyLike.MatchString(key) {
		return "a field"
	}
	return "field " + key
}

var unmarshaler = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()
