"""Best-of-n sampling with a small GPT-2 for product-description drafts: draw N_SAMPLES continuations per prompt,
keep the one with the highest mean log-probability. First written for one prompt, now run on a batch.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertTokenizer, GPT2Config, GPT2LMHeadModel

N_SAMPLES, NEW_TOKENS = 4, 6
PROMPTS = ["this lightweight jacket is", "our ceramic mug keeps"]
EXTRA = "warm waterproof coffee hot for hours and perfect travel rain days dry".split()

tmp = tempfile.mkdtemp()
words = sorted({w for p in PROMPTS for w in p.split()} | set(EXTRA))
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))
torch.manual_seed(0)
model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tokenizer), n_positions=32, n_embd=32, n_layer=1, n_head=2,
                                   bos_token_id=tokenizer.cls_token_id, eos_token_id=tokenizer.sep_token_id)).eval()


@torch.no_grad()
def sample(ids, steps, temperature=0.9):
    logprob = torch.zeros(ids.size(0))
    for _ in range(steps):
        logits = model(ids).logits[:, -1] / temperature
        probs = logits.softmax(-1)
        nxt = torch.multinomial(probs, 1)
        logprob += probs.gather(1, nxt).squeeze(1).log()
        ids = torch.cat([ids, nxt], dim=1)
    return ids, logprob / steps


prompt_ids = torch.tensor([tokenizer.encode(p, add_special_tokens=False) for p in PROMPTS])
candidates = prompt_ids.expand(N_SAMPLES, -1)
seqs, score = sample(candidates, NEW_TOKENS)
best = score.view(len(PROMPTS), N_SAMPLES).argmax(1)
for i, prompt in enumerate(PROMPTS):
    row = seqs.view(len(PROMPTS), N_SAMPLES, -1)[i, best[i]]
    print(prompt, "->", tokenizer.decode(row[prompt_ids.size(1):]))
