"""The assessment areas: structure, communication (and its betweenness engine), decisions, survey."""
