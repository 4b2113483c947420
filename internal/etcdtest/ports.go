package etcdtest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
)

// Ports for etcd processes come from below the kernels' ephemeral ranges
// (Linux 32768-60999, macOS and Windows 49152-65535). A port taken with
// Listen(":0") comes from that range, so between closing it and the etcd
// process binding it, any outgoing connection of any test could grab it;
// and a member restarted later needs its old ports still free. Ports
// outside the range are only ever taken by someone asking for them by
// number, as another test binary running this code might: a random pick
// among thousands, checked by binding it, and a fresh start when etcd still
// finds it taken (see startMembers) make that harmless.
const (
	portLow  = 20000
	portHigh = 32000
)

var handedOut struct {
	sync.Mutex
	ports map[int]bool
}

// pickPort returns a loopback port in [portLow, portHigh) that this
// process has not handed out before and that was free a moment ago.
func pickPort() (int, error) {
	handedOut.Lock()
	defer handedOut.Unlock()
	if handedOut.ports == nil {
		handedOut.ports = map[int]bool{}
	}
	for range 200 {
		p := portLow + rand.IntN(portHigh-portLow)
		if handedOut.ports[p] {
			continue
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			continue
		}
		l.Close()
		handedOut.ports[p] = true
		return p, nil
	}
	return 0, errors.New("no free loopback port found")
}
