module example.com/migrations

go 1.22
