-- wrk script: GET /v1/customers/{id} (the id is in the URL) with a Stripe secret key.
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("STRIPE_KEY") or "sk_test_bench")
