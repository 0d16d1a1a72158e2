package profile

import "fmt"

// contradiction refuses a room port that is in both must_reach and
// must_not_reach. It compares expectations pair by pair, never expanding
// rooms x ports, so its cost stays near the size of the file: for each
// must_not_reach room reference, the must_reach entries that cover the
// same room are searched for a shared port.
func (n *Network) contradiction(firstRoom string) error {
	if firstRoom == "" {
		return nil // no rooms: "*" stands for none
	}
	reachPorts := make([]map[Port]bool, len(n.MustReach))
	byRoom := map[string][]int{} // room → must_reach entries naming it
	var star []int               // must_reach entries with "*"
	for i, e := range n.MustReach {
		reachPorts[i] = make(map[Port]bool, len(e.Ports))
		for _, p := range e.Ports {
			reachPorts[i][p] = true
		}
		for _, r := range e.Rooms {
			if r.Name == "*" {
				star = append(star, i)
			} else {
				byRoom[r.Name] = append(byRoom[r.Name], i)
			}
		}
	}
	for _, e := range n.MustNotReach {
		shared := map[int]int{} // must_reach entry → shared port + 1, or -1
		for _, r := range e.Rooms {
			if err := n.conflictOf(e, r, firstRoom, star, byRoom, reachPorts, shared); err != nil {
				return err
			}
		}
	}
	return nil
}

// conflictOf checks one must_not_reach room reference r of e.
func (n *Network) conflictOf(e Expectation, r RoomRef, firstRoom string, star []int, byRoom map[string][]int, reachPorts []map[Port]bool, shared map[int]int) error {
	candidates := star
	if r.Name != "*" {
		candidates = append(append([]int(nil), star...), byRoom[r.Name]...)
	} else {
		candidates = make([]int, len(n.MustReach))
		for i := range candidates {
			candidates[i] = i
		}
	}
	for _, i := range candidates {
		p, ok := sharedPort(e, i, reachPorts, shared)
		if !ok {
			continue
		}
		room := r.Name
		if room == "*" {
			room = n.MustReach[i].Rooms[0].Name // any room of entry i is in both
		}
		if room == "*" {
			room = firstRoom
		}
		return fmt.Errorf("line %d: room %s port %d is in both must_reach and must_not_reach", r.Line, room, p)
	}
	return nil
}

// sharedPort is the first port of e that must_reach entry i also lists,
// memoised per entry in shared.
func sharedPort(e Expectation, i int, reachPorts []map[Port]bool, shared map[int]int) (Port, bool) {
	if v, ok := shared[i]; ok {
		return Port(v - 1), v > 0
	}
	for _, p := range e.Ports {
		if reachPorts[i][p] {
			shared[i] = int(p) + 1
			return p, true
		}
	}
	shared[i] = -1
	return 0, false
}
