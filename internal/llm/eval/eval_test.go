package eval

import "testing"

func TestLoad(t *testing.T) {
	ds, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if n := ds.Messages(); n < 160 {
		t.Errorf("the set has %d messages, want at least 160", n)
	}
}
