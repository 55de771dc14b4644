# See README.md here: the samples of the "test-one loop" check of make test.
