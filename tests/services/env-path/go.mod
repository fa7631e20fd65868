module example.com/envpath

go 1.22
