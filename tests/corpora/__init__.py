"""The peers' test corpora (tangent, autograd), ported to measure adgen against them."""
