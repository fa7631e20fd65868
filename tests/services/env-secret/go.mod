module example.com/envsecret

go 1.22
