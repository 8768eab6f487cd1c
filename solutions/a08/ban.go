package a08

import (
	"context"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
	agentv1 "github.com/spiffe/spire-api-sdk/proto/spire/api/server/agent/v1"
	"github.com/spiffe/spire-api-sdk/proto/spire/api/types"
	"google.golang.org/grpc"
)

// BanAgent bans the agent with SPIFFE ID id, through the Agent service of the
// SPIRE server API. The server then rejects the agent's next request, and the
// agent stops serving its workloads.
func BanAgent(ctx context.Context, conn grpc.ClientConnInterface, id spiffeid.ID) error {
	_, err := agentv1.NewAgentClient(conn).BanAgent(ctx, &agentv1.BanAgentRequest{
		Id: &types.SPIFFEID{TrustDomain: id.TrustDomain().Name(), Path: id.Path()},
	})
	return err
}
