"""Operations: the health endpoint for load balancers and `flask backup` / `flask restore`."""
