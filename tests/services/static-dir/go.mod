module example.com/staticdir

go 1.22
