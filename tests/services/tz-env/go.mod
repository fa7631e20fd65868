module example.com/tzenv

go 1.22
