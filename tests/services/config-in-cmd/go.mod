module example.com/configincmd

go 1.22
