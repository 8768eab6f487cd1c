package a08

import (
	"context"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"google.golang.org/grpc"
)

// BanAgent bans the agent with SPIFFE ID id, through the Agent service of the
// SPIRE server API. The server then rejects the agent's next request, and the
// agent stops serving its workloads.
func BanAgent(ctx context.Context, conn grpc.ClientConnInterface, id spiffeid.ID) error {
	// TODO(lab-08): call BanAgent on an Agent client made from conn, with id
	// in the API's form (trust domain and path apart).
	return nil
}
