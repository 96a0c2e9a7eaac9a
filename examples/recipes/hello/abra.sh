# Config versions would be exported here (this recipe has no swarm configs).
