package probe

import (
	"reflect"
	"testing"

	"github.com/roompath/roompath/netpath"
)

// TestTCPDetailCredentialFreeSeesEveryString: an "@" in any string of a
// TCP detail (nested ones included) makes it not credential-free, so the
// Writer marshals and redacts it. A string field added later without
// updating CredentialFree fails here.
func TestTCPDetailCredentialFreeSeesEveryString(t *testing.T) {
	base := func() *TCPDetail {
		return &TCPDetail{ICMP: &ICMP{}, SynAck: &netpath.ResetEvidence{}, Reset: &netpath.ResetEvidence{}, Undistinguished: []string{""}}
	}
	if !base().CredentialFree() {
		t.Fatal("an empty detail is not credential-free")
	}
	var paths [][]int
	var walk func(tp reflect.Type, path []int)
	walk = func(tp reflect.Type, path []int) {
		for i := range tp.NumField() {
			f := tp.Field(i)
			p := append(append([]int(nil), path...), i)
			switch {
			case f.Type.Kind() == reflect.String, f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String:
				paths = append(paths, p)
			case f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct:
				walk(f.Type.Elem(), p)
			}
		}
	}
	walk(reflect.TypeOf(TCPDetail{}), nil)
	for _, p := range paths {
		d := base()
		v := reflect.ValueOf(d).Elem()
		name := ""
		for _, i := range p {
			name += "." + v.Type().Field(i).Name
			v = v.Field(i)
			if v.Kind() == reflect.Pointer {
				v = v.Elem()
			}
		}
		if v.Kind() == reflect.Slice {
			v.Index(0).SetString("http://u:pw@proxy")
		} else {
			v.SetString("http://u:pw@proxy")
		}
		if d.CredentialFree() {
			t.Errorf("TCPDetail%s holds an @ but CredentialFree says true", name)
		}
	}
}
