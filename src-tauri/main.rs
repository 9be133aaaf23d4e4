fn main() {
    till_desktop::run()
}
