package harness

// fake_leases.go: the fake coordination/v1 Lease client. Each Get, Create or Update becomes one
// "req" line; the caller then waits for leasesim's answer, its own context, or the per-request
// timeout (the REST client's http.Client.Timeout, which client-go's leader election sets to
// max(1s, RenewDeadline/2) in NewFromKubeconfig), whichever ends first. A request given up
// becomes a "cancel" line: leasesim treats it as the client's timeout, and the server may still
// apply it, as with a real HTTP request whose client stopped waiting.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	coordinationclient "k8s.io/client-go/kubernetes/typed/coordination/v1"
)

// FakeLeases is a coordination/v1 LeasesGetter whose requests leasesim answers.
type FakeLeases struct {
	hub     *hub
	clock   *clock
	timeout time.Duration

	mu      sync.Mutex
	next    int
	pending map[int]chan reply
}

var _ coordinationclient.LeasesGetter = (*FakeLeases)(nil)

type reply struct {
	result string
	lease  *coordinationv1.Lease
}

// Leases returns the Lease client of one namespace.
func (f *FakeLeases) Leases(namespace string) coordinationclient.LeaseInterface {
	return &leaseClient{f: f, namespace: namespace}
}

// leaseClient implements Get, Create and Update; the embedded nil interface makes every other
// verb panic, which names the verb the elector used.
type leaseClient struct {
	coordinationclient.LeaseInterface
	f         *FakeLeases
	namespace string
}

func (c *leaseClient) Get(ctx context.Context, name string, _ metav1.GetOptions) (*coordinationv1.Lease, error) {
	return c.f.call(ctx, "get", c.namespace, name, nil)
}

func (c *leaseClient) Create(ctx context.Context, lease *coordinationv1.Lease, _ metav1.CreateOptions) (*coordinationv1.Lease, error) {
	return c.f.call(ctx, "create", c.namespace, lease.Name, lease)
}

func (c *leaseClient) Update(ctx context.Context, lease *coordinationv1.Lease, _ metav1.UpdateOptions) (*coordinationv1.Lease, error) {
	return c.f.call(ctx, "update", c.namespace, lease.Name, lease)
}

var leaseResource = schema.GroupResource{Group: "coordination.k8s.io", Resource: "leases"}

func (f *FakeLeases) call(ctx context.Context, verb, namespace, name string, body *coordinationv1.Lease) (*coordinationv1.Lease, error) {
	// The typed client returns an empty object with every error.
	empty := &coordinationv1.Lease{}
	if err := ctxDone(ctx); err != nil {
		// net/http refuses to send a request whose context is already done.
		return empty, err
	}
	wire := "-"
	if body != nil {
		b, err := json.Marshal(toWire(body, f.clock))
		if err != nil {
			panic(err)
		}
		wire = string(b)
	}
	ch := make(chan reply, 1)
	f.mu.Lock()
	f.next++
	k := f.next
	f.pending[k] = ch
	f.mu.Unlock()
	f.hub.emit(0, fmt.Sprintf("req %d %d %s %s/%s %s", k, f.clock.mono(time.Now()), verb, namespace, name, wire))

	var timeout <-chan time.Time
	if f.timeout > 0 {
		timer := time.NewTimer(f.timeout)
		defer timer.Stop()
		timeout = timer.C
	}
	// why: "timeout" (the per-request timeout: leasesim's World times the request out) or "ctx"
	// (the caller's context ended: the client abandons the call).
	giveUp := func(err error, why string) (*coordinationv1.Lease, error) {
		f.mu.Lock()
		delete(f.pending, k)
		f.mu.Unlock()
		f.hub.emit(0, fmt.Sprintf("cancel %d %d %s", k, f.clock.mono(time.Now()), why))
		return empty, err
	}
	select {
	case r := <-ch:
		return f.result(r, verb, name)
	case <-ctx.Done():
		return giveUp(ctx.Err(), "ctx")
	case <-timeout:
		// The caller's deadline at this very instant wins: it was set before this timeout.
		if err := ctxDone(ctx); err != nil {
			return giveUp(err, "ctx")
		}
		return giveUp(fmt.Errorf("%s lease %s/%s: client timeout %v exceeded", verb, namespace, name, f.timeout), "timeout")
	}
}

// ctxDone is ctx.Err(), counting a deadline that is due now as passed. In the bubble a context's
// deadline and a timeout set later can fall on one instant, and the context's own timer may not
// have run yet; with real clocks the later-set timer fires later (the work between takes time), so
// the context is done first. leasesim's World orders such ties the same way (earlier-set first).
func ctxDone(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}

func (f *FakeLeases) result(r reply, verb, name string) (*coordinationv1.Lease, error) {
	switch r.result {
	case "ok":
		return r.lease, nil
	case "notFound":
		return &coordinationv1.Lease{}, apierrors.NewNotFound(leaseResource, name)
	case "conflict":
		if verb == "create" {
			return &coordinationv1.Lease{}, apierrors.NewAlreadyExists(leaseResource, name)
		}
		return &coordinationv1.Lease{}, apierrors.NewConflict(leaseResource, name, fmt.Errorf("the object has been modified"))
	case "invalid":
		return &coordinationv1.Lease{}, apierrors.NewInvalid(schema.GroupKind{Group: "coordination.k8s.io", Kind: "Lease"}, name, nil)
	case "unavailable":
		return &coordinationv1.Lease{}, apierrors.NewServiceUnavailable("the API server is unavailable")
	default:
		return &coordinationv1.Lease{}, apierrors.NewTimeoutError("request timed out", 0)
	}
}

// respond hands leasesim's answer "K RESULT BODY" to the waiting caller. An answer for a request
// the caller already gave up is dropped: leasesim may have sent it at the same instant.
func (f *FakeLeases) respond(args string) error {
	parts := strings.SplitN(args, " ", 3)
	if len(parts) != 3 {
		return fmt.Errorf("bad respond: %q", args)
	}
	k, err := strconv.Atoi(parts[0])
	if err != nil {
		return fmt.Errorf("bad respond id: %q", args)
	}
	r := reply{result: parts[1]}
	if parts[2] != "-" {
		var w wireLease
		if err := json.Unmarshal([]byte(parts[2]), &w); err != nil {
			return fmt.Errorf("bad respond body: %v", err)
		}
		r.lease = fromWire(&w, f.clock)
	}
	f.mu.Lock()
	ch, ok := f.pending[k]
	delete(f.pending, k)
	f.mu.Unlock()
	if ok {
		ch <- r
	}
	return nil
}

// wireLease is the Lease as the protocol carries it: times in wall nanoseconds since the Unix
// epoch (leasesim's WallInstant), absent fields absent.
type wireLease struct {
	Namespace   string            `json:"namespace,omitempty"`
	Name        string            `json:"name,omitempty"`
	RV          uint64            `json:"rv,omitempty"`
	UID         uint64            `json:"uid,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Holder      *string           `json:"holder,omitempty"`
	LDS         *int32            `json:"lds,omitempty"`
	Acquire     *int64            `json:"acquire,omitempty"`
	Renew       *int64            `json:"renew,omitempty"`
	Transitions *int32            `json:"transitions,omitempty"`
	Strategy    *string           `json:"strategy,omitempty"`
	Preferred   *string           `json:"preferred,omitempty"`
}

func toWire(l *coordinationv1.Lease, c *clock) *wireLease {
	w := &wireLease{Namespace: l.Namespace, Name: l.Name, Labels: l.Labels}
	if l.ResourceVersion != "" {
		w.RV, _ = strconv.ParseUint(l.ResourceVersion, 10, 64)
	}
	if l.UID != "" {
		w.UID, _ = strconv.ParseUint(string(l.UID), 10, 64)
	}
	s := l.Spec
	w.Holder, w.LDS, w.Transitions, w.Preferred = s.HolderIdentity, s.LeaseDurationSeconds, s.LeaseTransitions, s.PreferredHolder
	if s.Strategy != nil {
		v := string(*s.Strategy)
		w.Strategy = &v
	}
	// A nil MicroTime pointer and the zero time both serialise as null: absent.
	if s.AcquireTime != nil && !s.AcquireTime.IsZero() {
		v := c.wall(s.AcquireTime.Time)
		w.Acquire = &v
	}
	if s.RenewTime != nil && !s.RenewTime.IsZero() {
		v := c.wall(s.RenewTime.Time)
		w.Renew = &v
	}
	return w
}

func fromWire(w *wireLease, c *clock) *coordinationv1.Lease {
	l := &coordinationv1.Lease{}
	l.Namespace, l.Name, l.Labels = w.Namespace, w.Name, w.Labels
	if w.RV != 0 {
		l.ResourceVersion = strconv.FormatUint(w.RV, 10)
	}
	if w.UID != 0 {
		l.UID = types.UID(strconv.FormatUint(w.UID, 10))
	}
	l.Spec.HolderIdentity, l.Spec.LeaseDurationSeconds, l.Spec.LeaseTransitions, l.Spec.PreferredHolder =
		w.Holder, w.LDS, w.Transitions, w.Preferred
	if w.Strategy != nil {
		v := coordinationv1.CoordinatedLeaseStrategy(*w.Strategy)
		l.Spec.Strategy = &v
	}
	if w.Acquire != nil {
		t := metav1.NewMicroTime(c.fromWall(*w.Acquire))
		l.Spec.AcquireTime = &t
	}
	if w.Renew != nil {
		t := metav1.NewMicroTime(c.fromWall(*w.Renew))
		l.Spec.RenewTime = &t
	}
	return l
}
