module example.com/writesdatadir

go 1.22
