module example.com/tzcopied

go 1.22
