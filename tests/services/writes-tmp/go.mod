module example.com/writestmp

go 1.22
