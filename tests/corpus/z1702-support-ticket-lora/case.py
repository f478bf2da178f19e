"""LoRA-tune a small Llama-style support agent on customer ticket threads."""
import torch
import torch.nn as nn
from transformers import AutoModelForCausalLM, LlamaConfig

torch.manual_seed(3)

TICKETS = [
    ("my order arrived broken can i get a refund",
     "sorry about that . please send a photo and we will refund you today ."),
    ("i forgot my password and the reset email never came",
     "please check your spam folder . i have sent a new reset link ."),
    ("how do i change the delivery address on my order",
     "open your order page and choose edit address before it ships ."),
    ("i was charged twice for the same order last week and then again this week when i "
     "tried to cancel the second one and the app said the order was already shipped but "
     "the tracking page shows nothing and support chat closed twice while i was waiting "
     "so now i have three charges and no package",
     "sorry for the trouble . i have refunded the two extra charges and opened a trace on the package ."),
    ("can i return shoes after thirty days",
     "returns are open for sixty days so you can still send them back ."),
    ("the app crashes when i open my cart",
     "please update the app . if it still crashes send us your phone model ."),
]

MAX_LEN = 48
SPECIAL = ["<pad>", "<unk>", "<eos>", "<customer>", "<agent>"]
words = sorted({w for hist, reply in TICKETS for w in (hist + " " + reply).split()})
vocab = {w: i for i, w in enumerate(SPECIAL + words)}
PAD, UNK, EOS = vocab["<pad>"], vocab["<unk>"], vocab["<eos>"]


def tokenize(text):
    return [vocab.get(w, UNK) for w in text.split()]


def hide_prompt(targets, prompt_lengths):
    for row, n_prompt in enumerate(prompt_lengths):
        for pos in range(n_prompt):
            targets[row, pos] = -100
    return targets


def build_batch(threads):
    rows, prompt_lengths = [], []
    for history, reply in threads:
        prompt = tokenize(f"<customer> {history} <agent>")
        answer = tokenize(reply) + [EOS]
        seq = (prompt + answer)[:MAX_LEN]
        rows.append(seq + [PAD] * (MAX_LEN - len(seq)))
        prompt_lengths.append(len(prompt))
    tokens = torch.tensor(rows)
    mask = (tokens != PAD).long()
    targets = tokens.clone()
    targets[mask == 0] = -100
    targets = hide_prompt(targets, prompt_lengths)
    return tokens, mask, targets


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank=4, alpha=8):
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.down = nn.Linear(base.in_features, rank, bias=False)
        self.up = nn.Linear(rank, base.out_features, bias=False)
        nn.init.kaiming_uniform_(self.down.weight, a=5 ** 0.5)
        nn.init.zeros_(self.up.weight)
        self.scale = alpha / rank

    def forward(self, x):
        return self.base(x) + self.up(self.down(x)) * self.scale


config = LlamaConfig(
    vocab_size=len(vocab),
    hidden_size=64,
    intermediate_size=128,
    num_hidden_layers=2,
    num_attention_heads=4,
    num_key_value_heads=4,
    max_position_embeddings=MAX_LEN,
    pad_token_id=PAD,
    eos_token_id=EOS,
    bos_token_id=EOS,
)
agent = AutoModelForCausalLM.from_config(config)
for p in agent.parameters():
    p.requires_grad_(False)
for layer in agent.model.layers:
    layer.self_attn.q_proj = LoRALinear(layer.self_attn.q_proj)
    layer.self_attn.v_proj = LoRALinear(layer.self_attn.v_proj)

trainable = [p for p in agent.parameters() if p.requires_grad]
print(f"trainable params: {sum(p.numel() for p in trainable)}")
optimizer = torch.optim.AdamW(trainable, lr=5e-3)

agent.train()
for step in range(6):
    picked = [TICKETS[i] for i in torch.randperm(len(TICKETS))[:3].tolist()]
    tokens, mask, targets = build_batch(picked)
    out = agent(input_ids=tokens, attention_mask=mask, labels=targets)
    out.loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    print(f"step {step}: loss {out.loss.item():.4f}")

agent.eval()
query = tokenize("<customer> my order arrived broken <agent>")
with torch.no_grad():
    for _ in range(12):
        nxt = agent(input_ids=torch.tensor([query])).logits[0, -1].argmax().item()
        query.append(nxt)
        if nxt == EOS:
            break
print(" ".join(SPECIAL[i] if i < len(SPECIAL) else words[i - len(SPECIAL)] for i in query))
