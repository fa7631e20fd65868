module example.com/containeraction

go 1.22
