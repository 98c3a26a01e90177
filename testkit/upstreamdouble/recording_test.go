package upstreamdouble

import (
	"fmt"
	"testing"
)

// Requests keeps only the latest KeepRequests; Received counts them all, so
// "did a request arrive?" stays answerable after any number of them.
func TestRecordingKeepsTheLatestAndCountsAll(t *testing.T) {
	for _, c := range []struct {
		keep, want int
	}{{3, 3}, {NoRecording, 0}, {0, 5}} {
		s := StartT(t, Options{APIKey: testKey, KeepRequests: c.keep})
		cl := trustingClient(t, s)
		for i := range 5 {
			get(t, cl, "GET", fmt.Sprintf("%s/status/%d", s.URL(), 200+i), "Bearer "+testKey, "")
			get(t, cl, "GET", s.OtherOriginURL()+"/stolen", "", "")
		}
		reqs := s.Requests()
		if s.Received() != 5 || len(reqs) != c.want || s.OtherOriginHits() != 5 || len(s.OtherOriginRequests()) != c.want {
			t.Fatalf("keep %d: received %d, kept %d, other origin %d hits, %d kept; want 5, %d", c.keep, s.Received(), len(reqs), s.OtherOriginHits(), len(s.OtherOriginRequests()), c.want)
		}
		for i, r := range reqs { // the latest, in order
			if want := fmt.Sprintf("/status/%d", 205-c.want+i); r.Path != want {
				t.Errorf("keep %d: request %d is %s, want %s", c.keep, i, r.Path, want)
			}
		}
		s.ResetRequests()
		if s.Received() != 0 || len(s.Requests()) != 0 || s.OtherOriginHits() != 0 {
			t.Errorf("keep %d: ResetRequests left counts", c.keep)
		}
	}
}

// A long run keeps memory bounded: the array behind the kept requests
// stays within about twice KeepRequests.
func TestRecordLogStaysBounded(t *testing.T) {
	l := newRecordLog(100)
	for i := range 100_000 {
		l.add(Recorded{Path: fmt.Sprint(i)})
	}
	if l.received != 100_000 || len(l.kept) != 100 || cap(l.kept) > 256 || l.kept[99].Path != "99999" || l.kept[0].Path != "99900" {
		t.Errorf("received %d, kept %d (cap %d), first %s, last %s", l.received, len(l.kept), cap(l.kept), l.kept[0].Path, l.kept[len(l.kept)-1].Path)
	}
}
