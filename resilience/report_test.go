package resilience

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
)

// outcome is one tried case.
type outcome struct {
	group string
	name  string
	tried int  // requests this case stands for (1, or 10,000 for the load run)
	clear bool // answered as documented: the status and a {"error","message"} naming the problem
	crash bool // the plugin process died or was replaced
	leak  bool // key in an answer or log, or goroutines, heap or files not back to their level
	note  string
	// figures is printed under the table whatever the result (load rates,
	// levels before and after).
	figures string
}

type recorder struct {
	mu   sync.Mutex
	outs []outcome
}

var report = &recorder{}

func (r *recorder) add(o outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outs = append(r.outs, o)
}

// print writes the closing table and returns the crash and leak totals.
func (r *recorder) print(w io.Writer) (crashes, leaks int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	type row struct{ tried, cases, clear, crash, leak int }
	rows := map[string]*row{}
	var order []string
	for _, o := range r.outs {
		rw := rows[o.group]
		if rw == nil {
			rw = &row{}
			rows[o.group] = rw
			order = append(order, o.group)
		}
		rw.tried += o.tried
		rw.cases++
		if o.clear {
			rw.clear++
		}
		if o.crash {
			rw.crash++
		}
		if o.leak {
			rw.leak++
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "group\ttried\tclear error\tcrashes\tleaks\t")
	total := row{}
	for _, g := range order {
		rw := rows[g]
		fmt.Fprintf(tw, "%s\t%d\t%d/%d\t%d\t%d\t\n", g, rw.tried, rw.clear, rw.cases, rw.crash, rw.leak)
		total.tried += rw.tried
		total.cases += rw.cases
		total.clear += rw.clear
		total.crash += rw.crash
		total.leak += rw.leak
	}
	fmt.Fprintf(tw, "total\t%d\t%d/%d\t%d\t%d\t\n", total.tried, total.clear, total.cases, total.crash, total.leak)
	_ = tw.Flush()
	var misses []string
	for _, o := range r.outs {
		if !o.clear || o.crash || o.leak {
			misses = append(misses, fmt.Sprintf("  %s / %s: %s", o.group, o.name, o.note))
		}
	}
	for _, o := range r.outs {
		if o.figures != "" {
			fmt.Fprintf(w, "%s: %s\n", o.group, o.figures)
		}
	}
	sort.Strings(misses)
	if len(misses) > 0 {
		fmt.Fprintf(w, "cases not answered as documented, crashed or leaked:\n%s\n", strings.Join(misses, "\n"))
	}
	return total.crash, total.leak
}
