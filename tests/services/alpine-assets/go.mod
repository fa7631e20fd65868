module example.com/alpineassets

go 1.22
