package proxyprobe

import (
	"context"
	"errors"
	"fmt"
	"runtime/metrics"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"
)

// Limits of one PAC file. A PAC is a hostile program as far as roompath is
// concerned (any LAN host answering wpad.<domain> can serve one), so every
// evaluation runs under a watchdog that interrupts it at the first of: the
// caller's ctx ending, the PAC's time budget spent, or the heap growing past
// pacHeapCap.
const (
	// pacBudget is the JavaScript time one PAC may use in all, top level
	// and every FindProxyForURL call together (time waiting on name
	// lookups not counted): real PAC files answer in microseconds, so a
	// PAC that needs seconds is looping.
	pacBudget = 3 * time.Second
	// pacHeapCap is how far the process heap may grow during one
	// evaluation; goja has no heap limit of its own.
	pacHeapCap = 64 << 20
	// pacWatchTick is how often the watchdog samples the heap and the
	// clock: a string that doubles is caught within a few doublings.
	pacWatchTick = time.Millisecond
	// pacInterruptGrace is how long the caller waits, once the watchdog
	// has fired, for the evaluation to stop. A built-in goja cannot
	// interrupt (a native loop over a huge sparse array) is abandoned
	// after it: the caller gets its answer, the PAC is never run again.
	pacInterruptGrace = 50 * time.Millisecond
	// pacMaxStack caps the JavaScript call depth.
	pacMaxStack = 512
	// pacMaxLookups caps the name lookups of one evaluation.
	pacMaxLookups = 64
	// pacMaxString caps a string the amplifying built-ins (repeat,
	// padStart, padEnd, Array.from lengths) may build in one call.
	pacMaxString = 1 << 20
	// maxPACAnswer caps FindProxyForURL's answer; real ones are a few
	// entries.
	maxPACAnswer = 4 << 10
)

// errPACLimit marks a PAC that exceeded its time or memory budget; it is
// sticky: the PAC is not run again.
type errPACLimit struct{ what string }

func (e *errPACLimit) Error() string { return "PAC limit exceeded: " + e.what }

// heapMetric is sampled by the watchdog; reading one runtime/metrics
// sample does not stop the world.
const heapMetric = "/memory/classes/heap/objects:bytes"

func heapBytes() uint64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// evaluate runs f, which touches the VM, on its own goroutine under the
// watchdog and panic recovery, and returns when f is done or, at the
// latest, pacInterruptGrace after the watchdog fired. The caller holds
// p.sem.
func (p *PAC) evaluate(ctx context.Context, f func() error) error {
	if err := p.limit.Load(); err != nil {
		return *err
	}
	p.ctx = ctx
	p.lookups = 0
	atomic.StoreInt64(&p.lookupNS, 0)
	done := make(chan error, 1)
	go func() { done <- p.recovered(f) }()
	start, base := time.Now(), heapBytes()
	tick := time.NewTicker(pacWatchTick)
	defer tick.Stop()
	var fired error
	var grace <-chan time.Time
	for {
		select {
		case err := <-done:
			return p.finish(ctx, start, fired, err)
		case <-grace:
			p.poison(fired)
			return fired
		case <-ctx.Done():
			if fired == nil {
				fired, grace = p.interrupt(ctxLimit(ctx)), time.After(pacInterruptGrace)
			}
		case <-tick.C:
			if fired == nil {
				if why := p.overLimit(start, base); why != nil {
					fired, grace = p.interrupt(why), time.After(pacInterruptGrace)
				}
			}
		}
	}
}

// overLimit reports the budget an evaluation started at start with the
// heap at base has exceeded; nil when none.
func (p *PAC) overLimit(start time.Time, base uint64) error {
	js := time.Since(start) - time.Duration(atomic.LoadInt64(&p.lookupNS))
	if p.spent+js > pacBudget {
		return &errPACLimit{fmt.Sprintf("evaluation took more than %v", pacBudget)}
	}
	if h := heapBytes(); h > base+pacHeapCap {
		return &errPACLimit{fmt.Sprintf("heap grew by more than %d MiB", pacHeapCap>>20)}
	}
	return nil
}

// ctxLimit is the error of an evaluation its caller's ctx ended: an
// interrupt stays an interrupt, a deadline means the PAC used up the time
// its caller had.
func ctxLimit(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return ctx.Err()
	}
	return &errPACLimit{"evaluation outlived its caller's deadline"}
}

func (p *PAC) interrupt(why error) error {
	p.vm.Interrupt(why)
	return why
}

// finish accounts for a completed evaluation and turns an interruption into
// the error the watchdog fired with.
func (p *PAC) finish(ctx context.Context, start time.Time, fired, err error) error {
	p.spent += time.Since(start) - time.Duration(atomic.LoadInt64(&p.lookupNS))
	p.vm.ClearInterrupt()
	p.ctx = nil
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		if why, ok := ie.Value().(error); ok {
			err = why
		}
	}
	if fired != nil && err != nil {
		err = fired // the watchdog's reason wins over how the script stopped
	}
	var limit *errPACLimit
	switch {
	case errors.As(err, &limit):
		p.poison(err)
		p.vm, p.find = nil, nil // what the script built goes with it
		return err
	case err != nil && errors.Is(err, context.Canceled):
		return err
	case err != nil:
		return &errPAC{err}
	}
	return nil
}

// poison marks the PAC as over its limits for good and lets its runtime
// go; later evaluations fail at once with err.
func (p *PAC) poison(err error) {
	if _, ok := err.(*errPACLimit); !ok {
		err = &errPACLimit{err.Error()}
	}
	p.limit.CompareAndSwap(nil, &err)
}

// recovered calls f, turning a panic (a throwing toString, an interrupt
// met outside goja's own recovery, a bug of the engine) into an error. It
// runs on the evaluation's goroutine, under the watchdog, and returns only
// Go errors: a thrown value is turned into text here, never later (its
// toString is the script's, and may loop).
func (p *PAC) recovered(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = panicError(r)
		}
	}()
	return plainError(f())
}

// panicError is the error of a recovered panic value.
func panicError(r any) error {
	switch v := r.(type) {
	case *goja.InterruptedError:
		return v
	case *goja.Exception:
		return plainError(v)
	case *goja.StackOverflowError:
		return &errPACLimit{"call stack exceeded"}
	case error:
		return fmt.Errorf("PAC engine panicked: %s", excerpt(v.Error()))
	}
	return fmt.Errorf("PAC engine panicked: %s", excerpt(fmt.Sprint(r)))
}

// plainError replaces the goja errors in err by Go errors: interrupts and
// stack overflows by the limits, an exception by its message when that is
// a primitive, read without running any of the script's code.
func plainError(err error) error {
	var (
		ie *goja.InterruptedError
		so *goja.StackOverflowError
		ex *goja.Exception
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ie):
		return ie
	case errors.As(err, &so):
		return &errPACLimit{"call stack exceeded"}
	case errors.As(err, &ex):
		return fmt.Errorf("the script threw %s", thrownText(ex.Value()))
	}
	return errors.New(excerpt(err.Error()))
}

// thrownText describes a thrown value: primitives by value, an Error
// object by its name and message when those are strings, anything else as
// "an object". Reading an Error's properties may run the script's getters;
// this runs under the watchdog, and a panic there (an interrupt) leaves a
// generic text.
func thrownText(v goja.Value) (s string) {
	defer func() {
		if recover() != nil {
			s = "an exception"
		}
	}()
	o, ok := v.(*goja.Object)
	if !ok {
		if v == nil {
			return "nothing"
		}
		return excerpt(v.String()) // a primitive: no script code runs
	}
	if o.ClassName() != "Error" {
		return "an object"
	}
	name, msg := o.Get("name"), o.Get("message")
	if name == nil || msg == nil || !goja.IsString(name) || !goja.IsString(msg) {
		return "an Error object"
	}
	return excerpt(name.String() + ": " + msg.String())
}

// answerString converts FindProxyForURL's return value, inside the
// evaluation: a string, or undefined/null for no answer. Anything else is
// refused without calling its toString, as browsers refuse it.
func answerString(v goja.Value) (string, error) {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return "", nil
	}
	if !goja.IsString(v) {
		return "", errors.New("FindProxyForURL did not return a string")
	}
	s := v.String()
	if len(s) > maxPACAnswer {
		return "", fmt.Errorf("FindProxyForURL answer exceeds %d bytes", maxPACAnswer)
	}
	return s, nil
}
