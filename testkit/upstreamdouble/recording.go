package upstreamdouble

// DefaultKeepRequests is how many of the latest requests each origin keeps
// for Requests and OtherOriginRequests when Options.KeepRequests is 0:
// every test's requests, with room, while a load run of hundreds of
// thousands (the bench) stays at a few tens of MiB instead of growing
// without end.
const DefaultKeepRequests = 10_000

// NoRecording as Options.KeepRequests keeps no request, only the counts.
const NoRecording = -1

// recordLog keeps the last keep requests and counts all of them.
type recordLog struct {
	keep     int
	kept     []Recorded
	received int
}

func newRecordLog(keep int) recordLog {
	switch {
	case keep == 0:
		keep = DefaultKeepRequests
	case keep < 0:
		keep = 0
	}
	return recordLog{keep: keep}
}

// add records r, forgetting the oldest beyond keep. Slicing the front off
// lets append move the kept ones to a new array when it grows, so the
// array stays within about twice keep.
func (l *recordLog) add(r Recorded) {
	l.received++
	if l.keep == 0 {
		return
	}
	l.kept = append(l.kept, r)
	if len(l.kept) > l.keep {
		l.kept[0] = Recorded{}
		l.kept = l.kept[1:]
	}
}

func (l *recordLog) reset() { l.kept, l.received = nil, 0 }
