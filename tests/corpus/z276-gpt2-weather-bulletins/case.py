import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(7)

CORPUS = """station harbor wind northwest 20 knots gusting 30 rain showers easing by evening visibility good
station airport temperature 14 degrees overcast light drizzle wind south 10 knots pressure falling
station ridge snow above 900 metres temperature minus 2 wind east 25 knots visibility poor in fog
station valley clear skies frost overnight temperature 3 degrees wind calm pressure rising slowly
station coast thunderstorms possible later wind southwest 15 knots sea moderate becoming rough
station harbor temperature 18 degrees sunny spells wind west 12 knots visibility very good"""

words = sorted(set(CORPUS.split()))
itos = ["<pad>", "<bos>", "<eos>", "<unk>"] + words
stoi = {w: i for i, w in enumerate(itos)}


def encode(text):
    return [stoi["<bos>"]] + [stoi.get(w, stoi["<unk>"]) for w in text.split()]


def decode(ids):
    return " ".join(itos[i] for i in ids if i > 3)


cfg = GPT2Config(
    vocab_size=len(itos),
    n_positions=48,
    n_embd=64,
    n_layer=2,
    n_head=4,
    bos_token_id=stoi["<bos>"],
    eos_token_id=stoi["<eos>"],
)
lm = GPT2LMHeadModel(cfg)
lm.eval()


@torch.no_grad()
def sample_bulletin(prompt, max_new=60, temperature=0.8, top_k=8):
    seq = torch.tensor([encode(prompt)])
    for _ in range(max_new):
        logits = lm(input_ids=seq, use_cache=False).logits[:, -1, :] / temperature
        kth = torch.topk(logits, top_k).values[:, -1, None]
        logits = logits.masked_fill(logits < kth, float("-inf"))
        nxt = torch.multinomial(F.softmax(logits, dim=-1), 1)
        if nxt.item() == cfg.eos_token_id:
            break
        seq = torch.cat([seq, nxt], dim=1)
    return decode(seq[0].tolist())


prompts = [
    "station harbor wind",
    "station ridge snow above 900 metres temperature",
    "station valley clear skies frost overnight temperature 3 degrees wind calm",
]

bulletins = {}
for p in prompts:
    text = sample_bulletin(p)
    bulletins[p] = text
    print(f"[{len(text.split()):3d} words] {text}")

print(f"generated {len(bulletins)} bulletins")
