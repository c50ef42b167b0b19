"""Stock transfers between sites: sent (the goods leave the sending site's lots, first expired
first out), in transit, received (new lots at the receiving site, with their dates), the
differences said and kept."""
