"""The console's home: the clusters a staff member may see, each cluster's dashboard, and the navigation."""
