package cli

import (
	"math"
	"strconv"
	"time"
)

// The bounds of the common --timeout: below MinTimeout a healthy loopback
// peer cannot answer in time (a closed port would read as filtered);
// above MaxTimeout a run would outlive anyone waiting for it.
const (
	MinTimeout = 10 * time.Millisecond
	MaxTimeout = 10 * time.Minute
)

// CheckDuration refuses a duration flag outside [min, max] with a usage
// error naming the flag, the value and the bound.
func CheckDuration(flag string, d, min, max time.Duration) error {
	switch {
	case d < min:
		return Usagef("--%s %s is below the minimum %s", flag, d, min)
	case d > max:
		return Usagef("--%s %s is above the maximum %s", flag, d, max)
	}
	return nil
}

// CheckFloat refuses a numeric flag that is NaN, infinite or outside
// [min, max] (a rate of 1e-300 or 1e300 per second is no rate).
func CheckFloat(flag string, v, min, max float64) error {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return Usagef("--%s %s is not a finite number", flag, s)
	case v < min:
		return Usagef("--%s %s is below the minimum %s", flag, s, strconv.FormatFloat(min, 'g', -1, 64))
	case v > max:
		return Usagef("--%s %s is above the maximum %s", flag, s, strconv.FormatFloat(max, 'g', -1, 64))
	}
	return nil
}
