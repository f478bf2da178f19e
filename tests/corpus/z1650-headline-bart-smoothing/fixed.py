"""Headline generation for short news briefs with a tiny BART and label smoothing.

Word-level tokenizer built in memory, random weights. The smoothed loss follows the
fairseq recipe; the pad column is taken out of the smoothing mass so the model is
never rewarded for putting probability on <pad>.
"""
import torch
import torch.nn.functional as F
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import BartConfig, BartForConditionalGeneration, PreTrainedTokenizerFast

torch.manual_seed(7)

BRIEFS = [
    ("city council approves new budget for public parks after long debate", "council approves parks budget"),
    ("storm knocks out power to thousands of homes along the coast overnight", "storm cuts coastal power"),
    ("local team wins regional final in extra time before a record crowd", "local team wins final"),
    ("researchers find new species of frog in mountain forest survey", "new frog species found"),
    ("train services delayed after signal failure near central station", "signal failure delays trains"),
    ("museum reopens after two years of renovation with free entry weekend", "museum reopens with free entry"),
    ("bakery chain recalls bread over undeclared nut allergen", "bakery recalls bread"),
    ("school board votes to extend library hours during exam season", "library hours extended"),
]
SMOOTHING = 0.1


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    vocab = {tok: i for i, tok in enumerate(specials + words)}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return PreTrainedTokenizerFast(tokenizer_object=core, bos_token="<s>", pad_token="<pad>",
                                   eos_token="</s>", unk_token="<unk>")


def encode_batch(tok, pairs):
    stories = tok([s + " </s>" for s, _ in pairs], padding=True, return_tensors="pt")
    heads = tok([h + " </s>" for _, h in pairs], padding=True, return_tensors="pt")
    head_ids = heads["input_ids"].masked_fill(heads["attention_mask"] == 0, -100)
    return stories["input_ids"], stories["attention_mask"], head_ids


def smoothed_nll(logits, head_ids, pad_id, eps=SMOOTHING):
    lprobs = F.log_softmax(logits, dim=-1)
    lprobs = lprobs.index_fill(-1, torch.tensor([pad_id]), 0.0)
    keep = head_ids.ne(-100)
    gold = head_ids.clamp(min=0).unsqueeze(-1)
    nll = -lprobs.gather(-1, gold).squeeze(-1)
    smooth = -lprobs.sum(-1) / (lprobs.size(-1) - 1)
    per_tok = (1.0 - eps) * nll + eps * smooth
    return per_tok[keep].mean(), nll[keep].mean()


def main():
    tok = build_tokenizer([s + " " + h for s, h in BRIEFS])
    cfg = BartConfig(
        vocab_size=len(tok), d_model=32, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
        decoder_ffn_dim=64, max_position_embeddings=64, pad_token_id=tok.pad_token_id,
        bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
        decoder_start_token_id=tok.eos_token_id, forced_bos_token_id=None,
    )
    model = BartForConditionalGeneration(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    model.train()
    for epoch in range(25):
        epoch_nll = []
        for i in range(0, len(BRIEFS), 4):
            story_ids, story_mask, head_ids = encode_batch(tok, BRIEFS[i:i + 4])
            out = model(input_ids=story_ids, attention_mask=story_mask, labels=head_ids)
            loss, nll = smoothed_nll(out.logits, head_ids, tok.pad_token_id)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            opt.zero_grad()
            epoch_nll.append(nll.item())
        if epoch % 5 == 4:
            print(f"epoch {epoch} nll {sum(epoch_nll) / len(epoch_nll):.3f}")

    model.eval()
    story_ids, story_mask, _ = encode_batch(tok, BRIEFS[:3])
    with torch.no_grad():
        heads = model.generate(input_ids=story_ids, attention_mask=story_mask,
                               max_new_tokens=8, num_beams=2)
    for (story, ref), h in zip(BRIEFS, tok.batch_decode(heads, skip_special_tokens=True)):
        print(f"{story[:35]}... => {h!r} [{ref}]")


if __name__ == "__main__":
    main()
