module example.com/writesworkdir

go 1.22
