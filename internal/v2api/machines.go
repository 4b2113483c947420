package v2api

// Machine is one cluster member in the shape of etcd 0.4's admin API
// (GET peer /v2/admin/machines), which lua-etcd's adminMachines returns
// and its failover reads. Backends of modern clusters translate their
// member lists into it.
type Machine struct {
	Name      string `json:"name"`
	State     string `json:"state"` // StateLeader or StateFollower
	ClientURL string `json:"clientURL"`
	PeerURL   string `json:"peerURL"`
}

// States of a Machine.
const (
	StateLeader   = "leader"
	StateFollower = "follower"
)

// MachineNotFound is etcd 0.4's answer (404) for a machine name it does
// not know: its machines lived in the key space under /_etcd/machines.
func MachineNotFound(name string) *Error {
	return NewError(EcodeKeyNotFound, "/_etcd/machines/"+name, 0)
}

// FindMachine returns the machine called name, or nil.
func FindMachine(machines []Machine, name string) *Machine {
	for i := range machines {
		if machines[i].Name == name {
			return &machines[i]
		}
	}
	return nil
}
