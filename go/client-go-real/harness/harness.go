// Package harness runs a Go leader elector inside a testing/synctest bubble and lets leasesim
// drive it over a line protocol on stdin/stdout (docs/models/client-go-real.md section 3).
//
// Contract:
//   - The elector runs in the bubble; its clock is the bubble's fake clock, which advances only
//     when leasesim says "advance" and every goroutine of the bubble is durably blocked.
//   - Its Lease client (Env.Leases) is a fake coordination/v1 client: Get, Create and Update
//     become "req" lines, and the caller waits (inside the bubble, so durably) for leasesim's
//     "respond" line, its context, or the per-request timeout, whichever comes first.
//   - Every event (a request, a request given up, a leadership note, the end of the elector) wakes
//     the control goroutine at the instant it happens, so the bubble never runs past a moment at
//     which leasesim has something to decide.
//   - The control goroutine blocks on stdin between commands: blocking on I/O is not durable, so
//     the bubble's time stands still while leasesim thinks.
//
// Leaves out: Lease verbs other than Get, Create and Update (List, Watch, Patch, Delete and Apply
// panic), client-side rate limiting, and electors whose several goroutines send requests at the
// same instant (the order of their request numbers would be the scheduler's).
package harness

import (
	"bufio"
	"context"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// Env is what an elector gets: its identity, its Lease, a Lease client that talks to leasesim,
// and the functions that report leadership.
type Env struct {
	Identity  string
	Namespace string
	Name      string
	// Leases is the fake coordination/v1 client (LeasesGetter) every Lease request goes through.
	Leases *FakeLeases
	// Settings are the LEASESIM_* variables leasesim set for this process (timings and such),
	// by name without the prefix, e.g. Settings["LEASE_DURATION_NS"].
	Settings map[string]string

	hub *hub
}

// Started reports that the application started acting as leader (OnStartedLeading).
func (e *Env) Started() { e.hub.note("started") }

// Stopped reports that the application stopped acting as leader (its leader context ended), and
// why, in the words of leasesim's traces: "renewFailed" or "stopped" (a graceful stop).
func (e *Env) Stopped(cause string) { e.hub.note("stopped " + cause) }

// NewLeader reports the elector's view of the holder (OnNewLeader).
func (e *Env) NewLeader(identity string) { e.hub.note("leader " + identity) }

// Exit reports that the program ends on its own after a graceful stop; Crash that it dies
// (for instance exit(1) after losing the lease). Either is its last word.
func (e *Env) Exit(cause string)  { e.hub.note("exit " + cause) }
func (e *Env) Crash(cause string) { e.hub.note("crash " + cause) }

// Duration reads a LEASESIM_<name> setting in nanoseconds.
func (e *Env) Duration(name string) time.Duration {
	v, err := strconv.ParseInt(e.Settings[name], 10, 64)
	if err != nil {
		panic(fmt.Sprintf("harness: setting %s=%q is not an integer: %v", name, e.Settings[name], err))
	}
	return time.Duration(v)
}

// Bool reads a LEASESIM_<name> setting ("1" or "true").
func (e *Env) Bool(name string) bool { v := e.Settings[name]; return v == "1" || v == "true" }

// An event: one protocol line and its rank in the canonical order of one instant's events.
type event struct {
	rank int // 0: requests and give-ups (one goroutine, kept in order); 1: notes; 2: exit or crash
	seq  int
	line string
}

// hub collects the events of one instant and wakes the control goroutine.
type hub struct {
	mu     sync.Mutex
	events []event
	seq    int
	wake   chan struct{} // made inside the bubble: waiting on it is durable
	clock  *clock
}

func (h *hub) emit(rank int, line string) {
	h.mu.Lock()
	h.seq++
	h.events = append(h.events, event{rank, h.seq, line})
	h.mu.Unlock()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

func (h *hub) note(what string) {
	rank := 1
	if strings.HasPrefix(what, "exit ") || strings.HasPrefix(what, "crash ") {
		rank = 2
	}
	h.emit(rank, fmt.Sprintf("note %d %s", h.clock.mono(time.Now()), what))
}

// take returns the pending events in canonical order: the request lines in the order the
// goroutine sent them, then the notes in text order (their goroutines race within the instant,
// so the scheduler's order must not reach the output), then the last word.
func (h *hub) take() []event {
	h.mu.Lock()
	out := h.events
	h.events = nil
	h.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].rank != out[j].rank {
			return out[i].rank < out[j].rank
		}
		if out[i].rank == 0 {
			return out[i].seq < out[j].seq
		}
		return out[i].line < out[j].line
	})
	return out
}

// clock maps bubble time to the process's local readings in leasesim: monotonic nanoseconds and
// wall nanoseconds since the Unix epoch. The offset is a whole number of seconds (see Serve), so
// truncation to seconds or microseconds is the same on both sides.
type clock struct {
	bubbleStart time.Time
	startMono   int64
	startWall   int64
}

func (c *clock) mono(t time.Time) int64 { return c.startMono + int64(t.Sub(c.bubbleStart)) }
func (c *clock) wall(t time.Time) int64 { return c.startWall + int64(t.Sub(c.bubbleStart)) }
func (c *clock) fromWall(ns int64) time.Time {
	return c.bubbleStart.Add(time.Duration(ns - c.startWall))
}

func envInt(name string) int64 {
	v, err := strconv.ParseInt(os.Getenv("LEASESIM_"+name), 10, 64)
	if err != nil {
		fmt.Fprintf(os.Stderr, "harness: LEASESIM_%s=%q: %v\n", name, os.Getenv("LEASESIM_"+name), err)
		os.Exit(2)
	}
	return v
}

// Serve runs `run` in a synctest bubble under leasesim's control until leasesim closes stdin or
// kills the process. `run` should return when ctx ends (a graceful stop) or when the elector
// gives up, after calling Exit or Crash.
func Serve(t *testing.T, run func(ctx context.Context, env *Env)) {
	identity := os.Getenv("LEASESIM_IDENTITY")
	lease := strings.SplitN(os.Getenv("LEASESIM_LEASE"), "/", 2)
	if identity == "" || len(lease) != 2 {
		t.Fatal("harness: LEASESIM_IDENTITY and LEASESIM_LEASE=namespace/name must be set (leasesim sets them)")
	}
	settings := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "LEASESIM_") {
			settings[strings.TrimPrefix(k, "LEASESIM_")] = v
		}
	}
	seed := envInt("SEED")
	startMono := envInt("START_MONO_NS")
	startWall := envInt("START_WALL_NS")
	requestTimeout := time.Duration(envInt("REQUEST_TIMEOUT_NS"))

	synctest.Test(t, func(t *testing.T) {
		// math/rand's global source is what wait.Jitter draws from; the //go:debug
		// randseednop=0 directive of the test program makes Seed take effect (Go >= 1.24
		// ignores it otherwise). Seeded inside the bubble, before any elector goroutine exists.
		rand.Seed(seed) //nolint:staticcheck // the global source is the library's

		// Align the bubble so that bubble and leasesim wall clocks differ by whole seconds.
		if frac := time.Duration(((startWall % 1e9) + 1e9) % 1e9); frac != 0 {
			time.Sleep(frac)
		}
		c := &clock{bubbleStart: time.Now(), startMono: startMono, startWall: startWall}
		h := &hub{wake: make(chan struct{}, 1), clock: c}
		env := &Env{Identity: identity, Namespace: lease[0], Name: lease[1], Settings: settings, hub: h}
		env.Leases = &FakeLeases{hub: h, clock: c, timeout: requestTimeout, pending: map[int]chan reply{}}

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go run(ctx, env)
		control(ctx, cancel, h, env.Leases, c)
	})
}

// control reads commands and answers each with the events of the instant it ends at, then
// "at T". It returns when stdin closes.
func control(ctx context.Context, cancel context.CancelFunc, h *hub, leases *FakeLeases, c *clock) {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<16), 1<<22)
	out := bufio.NewWriter(os.Stdout)
	// The first answer: what the elector did at its start instant.
	synctest.Wait()
	flush(out, h, c)
	for in.Scan() {
		line := in.Text()
		verb, rest, _ := strings.Cut(line, " ")
		switch verb {
		case "advance":
			target, err := strconv.ParseInt(rest, 10, 64)
			if err != nil {
				fatal(out, "bad advance: "+line)
			}
			advance(h, c, target)
		case "respond":
			if err := leases.respond(rest); err != nil {
				fatal(out, err.Error())
			}
			synctest.Wait()
		case "stop":
			cancel()
			synctest.Wait()
		case "quit":
			return
		default:
			fatal(out, "unknown command: "+line)
		}
		flush(out, h, c)
	}
}

// advance lets bubble time run to `target` (local monotonic ns) or to the first instant with an
// event, whichever is earlier.
func advance(h *hub, c *clock, target int64) {
	now := c.mono(time.Now())
	if target > now {
		timer := time.NewTimer(time.Duration(target - now))
		defer timer.Stop()
		for {
			h.mu.Lock()
			pending := len(h.events)
			h.mu.Unlock()
			if pending > 0 {
				break
			}
			select {
			case <-h.wake:
				continue
			case <-timer.C:
			}
			break
		}
	}
	// Let every goroutine that is runnable at this instant finish its work here.
	synctest.Wait()
}

func flush(out *bufio.Writer, h *hub, c *clock) {
	for _, e := range h.take() {
		out.WriteString(e.line)
		out.WriteByte('\n')
	}
	fmt.Fprintf(out, "at %d\n", c.mono(time.Now()))
	out.Flush()
}

func fatal(out *bufio.Writer, msg string) {
	fmt.Fprintf(out, "error %s\n", msg)
	out.Flush()
	os.Exit(3)
}
